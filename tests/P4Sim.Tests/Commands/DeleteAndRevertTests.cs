namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>client -d, change -d and revert: what real p4 prints for each case (see src/P4Sim/REFERENCE.md).</summary>
public sealed class DeleteAndRevertTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void ClientDelete_Empty_Deleted()
    {
        _p4.CreateClient("spare", _p4.Root, "bob");

        var result = SimHarness.Ok(_p4.Run("client", "-d", "spare"));

        Assert.Equal(["Client spare deleted."], result.Out);
        Assert.Equal(1, _p4.Run("client", "-d", "spare").Exit);
    }

    [Fact]
    public void ClientDelete_OpenedFiles_RefusedUnlessForced()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));

        var refused = _p4.Run("client", "-d", "ws");

        Assert.Equal(1, refused.Exit);
        Assert.Equal(["Client 'ws' has files opened. To delete the client, revert any opened files and delete any pending changes first. An administrator may specify -f to force the delete of another user's client."], refused.Err);
        Assert.Equal(["Client ws deleted."], SimHarness.Ok(_p4.Run("client", "-d", "-f", "ws")).Out);
        Assert.Equal(["File(s) not opened anywhere."], _p4.Run("opened", "-a").Err);
    }

    [Fact]
    public void ClientDelete_PendingChange_Refused()
    {
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tempty\n", "change", "-i"));

        var result = _p4.Run("-s", "client", "-d", "ws");

        Assert.Equal(
            ["error: Client 'ws' has pending changes. To delete the client, delete any pending changes first. An administrator may specify -f to force the delete of another user's client.", "exit: 1"],
            result.Out);
    }

    [Fact]
    public void ClientDelete_Shelved_RefusedEvenWithForce()
    {
        ShelvedChange();

        var result = _p4.Run("client", "-d", "-f", "ws");

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            ["Client 'ws' has files shelved; use 'shelve -df' to remove them, and then try again,", "or use 'client -df -Fs' to delete the client and leave the shelved changes intact."],
            result.Err);
    }

    [Fact]
    public void ChangeDelete_Empty_Deleted()
    {
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tempty\n", "change", "-i"));

        Assert.Equal(["Change 1 deleted."], SimHarness.Ok(_p4.Run("change", "-d", "1")).Out);
    }

    [Fact]
    public void ChangeDelete_OpenFiles_Refused()
    {
        _p4.Submit("add", ("a.c", "x\n"), ("b.c", "y\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c", "//depot/b.c"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\twork\n\nFiles:\n\t//depot/a.c\n\t//depot/b.c\n", "change", "-i"));

        var result = _p4.Run("-ztag", "-Mj", "change", "-d", "2");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["{\"data\":\"Change 2 has 2 open file(s) associated with it and can't be deleted.\\n\",\"severity\":3,\"generic\":3}"], result.Err);
    }

    [Fact]
    public void ChangeDelete_Shelved_Refused()
    {
        ShelvedChange();

        var result = _p4.Run("change", "-d", "2");

        Assert.Equal(["Change 2 has shelved files associated with it and can't be deleted."], result.Err);
    }

    [Fact]
    public void Revert_EachOpenAction_ItsOwnLine()
    {
        _p4.Submit("add", ("main/a.c", "a\n"), ("main/d.c", "d\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/main/a.c"));
        SimHarness.Ok(_p4.Run("delete", "//depot/main/d.c"));
        _p4.Write("main/n.c", "new\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("main/n.c")));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/a.c", "//depot/rel/a.c"));

        var result = SimHarness.Ok(_p4.Run("revert", "//..."));

        Assert.Equal(
            ["//depot/main/a.c#1 - was edit, reverted", "//depot/main/d.c#1 - was delete, reverted",
             "//depot/main/n.c#none - was add, abandoned", "//depot/rel/a.c#none - was branch, deleted"],
            result.Out.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(_p4.Local("main/d.c")));
        Assert.True(File.Exists(_p4.Local("main/n.c")));
        Assert.False(File.Exists(_p4.Local("rel/a.c")));
    }

    [Fact]
    public void Revert_Integrate_RestoresHaveRevision()
    {
        _p4.BranchedFile();
        _p4.Submit("main edit", ("main/a.c", SimHarness.TenLines((1, "main"))));
        SimHarness.Ok(_p4.Run("integrate", "//depot/main/...", "//depot/rel/..."));
        SimHarness.Ok(_p4.Run("resolve", "-at"));

        var result = SimHarness.Ok(_p4.Run("revert", "//ws/rel/..."));

        Assert.Equal(["//depot/rel/a.c#1 - was integrate, reverted"], result.Out);
        Assert.Equal(SimHarness.TenLines(), _p4.Read("rel/a.c"));
    }

    [Fact]
    public void Revert_LockedFile_UnlockedAndLockReleased()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.Run("lock", "//depot/a.c"));

        var result = SimHarness.Ok(_p4.Run("revert", "//depot/a.c"));

        Assert.Equal(["//depot/a.c#1 - was edit, unlocked and reverted"], result.Out);
        // Another client can now edit and submit: no lock is left behind.
        _p4.CreateClient("other", Path.Combine(_p4.Folder, "other"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "other", "sync"));
        SimHarness.Ok(_p4.RunOther("alice", "other", "edit", "//depot/a.c"));
        Assert.Equal(0, _p4.RunOther("alice", "other", "submit", "-d", "after").Exit);
    }

    [Fact]
    public void RevertK_Edit_WorkspaceFileKept()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        _p4.Write("a.c", "changed\n");

        var result = SimHarness.Ok(_p4.Run("revert", "-k", "//depot/a.c"));

        Assert.Equal(["//depot/a.c#1 - was edit, reverted"], result.Out);
        Assert.Equal("changed\n", _p4.Read("a.c"));
        Assert.Equal(["File(s) not opened on this client."], _p4.Run("opened").Err);
    }

    [Fact]
    public void RevertA_OnlyUnchangedFiles()
    {
        _p4.Submit("add", ("a.c", "x\n"), ("b.c", "y\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c", "//depot/b.c"));
        _p4.Write("b.c", "changed\n");

        var result = SimHarness.Ok(_p4.Run("revert", "-a"));

        Assert.Equal(["//depot/a.c#1 - was edit, reverted"], result.Out);
        Assert.Single(_p4.Run("opened").Out);
    }

    [Fact]
    public void RevertN_Preview_StillOpened()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));

        Assert.Equal(["//depot/a.c#1 - was edit, reverted"], SimHarness.Ok(_p4.Run("revert", "-n", "//depot/a.c")).Out);
        Assert.Single(_p4.Run("opened").Out);
    }

    [Fact]
    public void RevertC_OtherChange_NotOpenedInThatChangelist()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tempty\n", "change", "-i"));

        var result = _p4.Run("revert", "-c", "2", "//depot/a.c");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/a.c - file(s) not opened in that changelist."], result.Err);
        Assert.Equal(["//depot/a.c#1 - was edit, reverted"], SimHarness.Ok(_p4.Run("revert", "-c", "default", "//depot/a.c")).Out);
    }

    [Fact]
    public void Revert_NotOpened_TaggedWarning()
    {
        var result = _p4.Run("-ztag", "-Mj", "revert", "//depot/x.c");

        Assert.Equal(["{\"data\":\"//depot/x.c - file(s) not opened on this client.\\n\",\"severity\":2,\"generic\":17}"], result.Err);
    }

    [Fact]
    public void Revert_Tagged_OldActionAndOutcome()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));

        var result = SimHarness.Ok(_p4.Run("-ztag", "revert", "//depot/a.c"));

        Assert.Equal(
            ["... depotFile //depot/a.c", $"... clientFile {_p4.Local("a.c")}", "... oldAction edit", "... action reverted", "... haveRev 1"],
            result.Out);
    }

    /// <summary>Change 2 holds a shelved edit of a.c (change 1 added it).</summary>
    private void ShelvedChange()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tshelf\n\nFiles:\n\t//depot/a.c\n", "change", "-i"));
        SimHarness.Ok(_p4.Run("shelve", "-c", "2"));
    }
}
