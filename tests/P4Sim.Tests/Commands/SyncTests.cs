namespace P4Flow.P4Sim.Tests.Commands;

public sealed class SyncTests : IDisposable
{
    private readonly SimHarness _p4 = new();
    private readonly string _root2;

    public SyncTests()
    {
        _root2 = Path.Combine(_p4.Folder, "ws2");
        _p4.CreateClient("ws2", _root2, "alice");
    }

    public void Dispose() => _p4.Dispose();

    private P4Result Alice(params string[] args) => _p4.RunOther("alice", "ws2", args);

    [Fact]
    public void Sync_NewFile_AddedAsLocalPathAndWritten()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = Alice("sync");

        Assert.Equal([$"//depot/main/a.c#1 - added as {_root2}/main/a.c"], result.Out);
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(_root2, "main/a.c")));
        Assert.Equal(0, (int)(File.GetUnixFileMode(Path.Combine(_root2, "main/a.c")) & UnixFileMode.UserWrite));
    }

    [Fact]
    public void Sync_NewerRevision_Updating()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        SimHarness.Ok(Alice("sync"));
        _p4.Submit("edit", ("main/a.c", "two\n"));

        var result = Alice("sync");

        Assert.Equal([$"//depot/main/a.c#2 - updating {_root2}/main/a.c"], result.Out);
        Assert.Equal("two\n", File.ReadAllText(Path.Combine(_root2, "main/a.c")));
    }

    [Fact]
    public void Sync_DeletedAtHead_DeletedAs()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        SimHarness.Ok(Alice("sync"));
        SimHarness.Ok(_p4.Run("delete", "//depot/main/a.c"));
        SimHarness.Ok(_p4.Run("submit", "-d", "remove"));

        var result = Alice("sync");

        // "deleted as" names the revision the workspace had (MsgDm SyncDelete's %haveRev%), not the deleted head.
        Assert.Equal([$"//depot/main/a.c#1 - deleted as {_root2}/main/a.c"], result.Out);
        Assert.False(File.Exists(Path.Combine(_root2, "main/a.c")));
    }

    [Fact]
    public void Sync_ForceAtHave_Refreshing()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        SimHarness.Ok(Alice("sync"));

        var result = Alice("sync", "-f");

        Assert.Equal([$"//depot/main/a.c#1 - refreshing {_root2}/main/a.c"], result.Out);
    }

    [Fact]
    public void Sync_RevisionSpecifier_SyncsOlderRevision()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        _p4.Submit("edit", ("main/a.c", "two\n"));

        var result = Alice("sync", "//depot/main/a.c#1");

        Assert.Equal([$"//depot/main/a.c#1 - added as {_root2}/main/a.c"], result.Out);
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(_root2, "main/a.c")));
    }

    [Fact]
    public void Sync_NoArgumentsNothingToDo_CapitalisedMessage()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = _p4.Run("sync");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["File(s) up-to-date."], result.Err);
    }

    [Fact]
    public void Sync_FileArgumentNothingToDo_ArgumentPrefixedMessage()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = _p4.Run("sync", "//depot/main/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/main/... - file(s) up-to-date."], result.Err);
    }

    [Fact]
    public void Sync_WritableUnopenedFile_CannotClobberExitOne()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        Directory.CreateDirectory(Path.Combine(_root2, "main"));
        File.WriteAllText(Path.Combine(_root2, "main/a.c"), "mine\n");

        var result = Alice("sync");

        Assert.Equal(1, result.Exit);
        Assert.Equal([$"Can't clobber writable file {_root2}/main/a.c"], result.Err);
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(_root2, "main/a.c")));
    }

    [Fact]
    public void Sync_OpenedFileWithNewerRevision_MustResolveAndSchedulesResolve()
    {
        _p4.Submit("add", ("main/a.c", SimHarness.TenLines()));
        SimHarness.Ok(Alice("sync"));
        SimHarness.Ok(Alice("edit", "//depot/main/a.c"));
        _p4.Submit("edit", ("main/a.c", SimHarness.TenLines((1, "bob"))));

        var result = Alice("sync");

        Assert.Equal(["//depot/main/a.c - must resolve #2 before submitting"], result.Out);
        Assert.Equal(["//depot/main/a.c#2 - is opened and not being changed"], Alice("sync", "-f").Out);
        Assert.Equal([$"{_root2}/main/a.c - merging //depot/main/a.c#2"], Alice("resolve", "-n").Out);
    }

    [Fact]
    public void Sync_Tagged_FirstRecordCarriesTotals()
    {
        _p4.Submit("add", ("main/a.c", "one\n"), ("main/b.c", "three\n"));

        var result = Alice("-ztag", "sync");

        Assert.Equal(
            ["... depotFile //depot/main/a.c", $"... clientFile {_root2}/main/a.c", "... rev 1", "... action added", "... fileSize 4",
             "... totalFileSize 10", "... totalFileCount 2", "... change 1", "",
             "... depotFile //depot/main/b.c", $"... clientFile {_root2}/main/b.c", "... rev 1", "... action added", "... fileSize 6", "... change 1"],
            result.Out);
    }

    [Fact]
    public void Sync_Preview_ListsButWritesNothing()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));

        var result = Alice("sync", "-n");

        Assert.Equal([$"//depot/main/a.c#1 - added as {_root2}/main/a.c"], result.Out);
        Assert.False(File.Exists(Path.Combine(_root2, "main/a.c")));
        Assert.Single(Alice("sync").Out);
    }
}
