namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>p4 change -U user N: REFERENCE.md, "change -U".</summary>
public sealed class ChangeUserTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    /// <summary>Change 2 of bob@ws holding a shelved edit of a.c; with keepOpen the file also stays open in it.</summary>
    private void ShelvedChange(bool keepOpen)
    {
        _p4.Submit("add", ("a.c", "one\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        _p4.Write("a.c", "two\n");
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tconflict\n\nFiles:\n\t//depot/a.c\n", "change", "-i"));
        SimHarness.Ok(_p4.Run("shelve", "-c", "2"));
        if (!keepOpen)
        {
            SimHarness.Ok(_p4.Run("revert", "-k", "//depot/a.c"));
        }
    }

    [Fact]
    public void ChangeU_EmptyChangeWithShelf_UpdatedAndShownEverywhere()
    {
        ShelvedChange(keepOpen: false);

        var result = _p4.Run("change", "-U", "alice", "2");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["Change 2 updated."], result.Out);
        Assert.Empty(result.Stderr);
        Assert.Equal("Change 2 by alice@ws on 2024/05/01 12:00:00 *pending*", _p4.Run("describe", "-s", "2").Out[0]);
        Assert.Equal(["Change 2 on 2024/05/01 by alice@ws *pending* 'conflict'"], _p4.Run("changes", "-s", "pending").Out);
        Assert.Contains("User:\talice", _p4.Run("change", "-o", "2").Out);
        Assert.Equal(["... //depot/a.c#1 edit"], _p4.Run("describe", "-S", "2").Out.Where(l => l.StartsWith("...", StringComparison.Ordinal)));
    }

    [Fact]
    public void ChangeU_ChangeWithOpenFiles_RefusedExitOne()
    {
        ShelvedChange(keepOpen: true);

        var result = _p4.Run("change", "-U", "alice", "2");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["Change has files open, user cannot be modified."], result.Err);
        Assert.Equal("Change 2 by bob@ws on 2024/05/01 12:00:00 *pending*", _p4.Run("describe", "-s", "2").Out[0]);
    }

    [Fact]
    public void ChangeU_AnotherUsersChange_NeedsForce()
    {
        ShelvedChange(keepOpen: false);

        var refused = _p4.RunOther("alice", "ws", "change", "-U", "alice", "2");
        var forced = _p4.RunOther("alice", "ws", "change", "-U", "alice", "-f", "2");

        Assert.Equal(1, refused.Exit);
        Assert.Equal(["Change 2 can only be updated by user bob, or by admin user with -f."], refused.Err);
        Assert.Equal(["Change 2 updated."], forced.Out);
    }

    [Fact]
    public void ChangeU_SubmittedChange_CannotBeChanged()
    {
        _p4.Submit("add", ("a.c", "one\n"));

        var result = _p4.Run("change", "-U", "alice", "1");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["User cannot be changed in a committed change."], result.Err);
    }

    [Fact]
    public void ChangeU_UnknownChange_Unknown()
    {
        var result = _p4.Run("change", "-U", "alice", "7");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Change 7 unknown."], result.Err);
    }
}
