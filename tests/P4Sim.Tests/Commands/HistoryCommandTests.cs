namespace P4Flow.P4Sim.Tests.Commands;

/// <summary>changes, describe -s and opened -a, and the revision ranges they take.</summary>
public sealed class HistoryCommandTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Changes_SubmittedAndPending_NewestFirst()
    {
        _p4.Submit("first change", ("main/a.c", "1\n"));
        _p4.Submit("second change", ("main/a.c", "2\n"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\twork in progress\n", "change", "-i"));

        var result = SimHarness.Ok(_p4.Run("changes"));

        Assert.Equal(
            ["Change 3 on 2024/05/01 by bob@ws *pending* 'work in progress'",
             "Change 2 on 2024/05/01 by bob@ws 'second change'",
             "Change 1 on 2024/05/01 by bob@ws 'first change'"],
            result.Out);
    }

    [Fact]
    public void Changes_StatusMaxUserClient_Filter()
    {
        _p4.Submit("one", ("a.c", "1\n"));
        _p4.Submit("two", ("a.c", "2\n"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tpending\n", "change", "-i"));

        Assert.Equal(["Change 2 on 2024/05/01 by bob@ws 'two'"], _p4.Run("changes", "-s", "submitted", "-m", "1").Out);
        Assert.Equal(["Change 3 on 2024/05/01 by bob@ws *pending* 'pending'"], _p4.Run("changes", "-s", "pending").Out);
        Assert.Empty(_p4.Run("changes", "-u", "alice").Out);
        Assert.Equal(3, _p4.Run("changes", "-c", "ws").Out.Length);
    }

    [Fact]
    public void Changes_RevisionRanges_SelectChanges()
    {
        for (var i = 1; i <= 4; i++)
        {
            _p4.Submit($"change {i}", ("main/a.c", $"{i}\n"));
        }

        string[] Numbers(string arg) => _p4.Run("changes", arg).Out.Select(l => l.Split(' ')[1]).ToArray();

        Assert.Equal(["3", "2"], Numbers("//depot/main/a.c@2,3"));
        Assert.Equal(["3", "2"], Numbers("//depot/main/a.c@2,@3"));
        Assert.Equal(["4", "3"], Numbers("//depot/main/...@>2"));
        Assert.Equal(["2", "1"], Numbers("//depot/main/a.c@2"));
        Assert.Equal(["3", "2"], Numbers("//depot/main/a.c#2,3"));
    }

    [Fact]
    public void ChangesL_FullDescriptionIndented()
    {
        _p4.Submit("a description that is longer than thirty-one characters\nsecond line", ("a.c", "1\n"));

        Assert.Equal(["Change 1 on 2024/05/01 by bob@ws 'a description that is longer th'"], _p4.Run("changes").Out);
        Assert.Equal(
            ["Change 1 on 2024/05/01 by bob@ws", "", "\ta description that is longer than thirty-one characters", "\tsecond line"],
            _p4.Run("changes", "-l").Out);
    }

    [Fact]
    public void Changes_Tagged_FieldsWithPath()
    {
        _p4.Submit("fix", ("main/src/a.c", "1\n"), ("main/b.c", "1\n"));

        var result = SimHarness.Ok(_p4.Run("-ztag", "changes"));

        Assert.Equal(
            ["... change 1", $"... time {SimHarness.Now}", "... user bob", "... client ws", "... status submitted",
             "... changeType public", "... path //depot/main/...", "... desc fix"],
            result.Out);
    }

    [Fact]
    public void ChangesJson_SubmittedRange_UserAndDescOfEachChange()
    {
        _p4.Submit("first change", ("main/a.c", "1\n"));
        _p4.Submit("second change", ("main/a.c", "2\n"));

        var result = SimHarness.Ok(_p4.Run("-ztag", "-Mj", "changes", "-s", "submitted", "//depot/main/...@1,5"));

        string Record(int change, string desc) =>
            $"{{\"change\":\"{change}\",\"time\":\"{SimHarness.Now}\",\"user\":\"bob\",\"client\":\"ws\",\"status\":\"submitted\"," +
            $"\"changeType\":\"public\",\"path\":\"//depot/main/...\",\"desc\":\"{desc}\"}}";
        Assert.Equal([Record(2, "second change"), Record(1, "first change")], result.Out);
    }

    [Fact]
    public void DescribeS_Submitted_AffectedFilesWithoutDiffs()
    {
        _p4.Submit("add", ("a.c", "1\n"));
        _p4.Submit("edit a", ("a.c", "2\n"));

        var result = SimHarness.Ok(_p4.Run("describe", "-s", "2"));

        Assert.Equal(
            ["Change 2 by bob@ws on 2024/05/01 12:00:00", "", "\tedit a", "", "Affected files ...", "", "... //depot/a.c#2 edit"],
            result.Out);
    }

    [Fact]
    public void DescribeS_Tagged_NumberedFileFields()
    {
        _p4.Submit("two files", ("a.c", "1\n"), ("b.bin", "\0\n"));

        var result = SimHarness.Ok(_p4.Run("-ztag", "describe", "-s", "1"));

        Assert.Contains("... depotFile0 //depot/a.c", result.Out);
        Assert.Contains("... action0 add", result.Out);
        Assert.Contains("... rev0 1", result.Out);
        Assert.Contains("... type0 text", result.Out);
        Assert.Contains("... depotFile1 //depot/b.bin", result.Out);
        Assert.Contains("... type1 binary", result.Out);
    }

    [Fact]
    public void OpenedA_EveryLineNamesUserAndClient()
    {
        _p4.Submit("add", ("a.c", "1\n"), ("b.c", "1\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.Run("lock", "//depot/a.c"));
        _p4.CreateClient("other", Path.Combine(_p4.Folder, "other"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "other", "sync"));
        SimHarness.Ok(_p4.RunOther("alice", "other", "edit", "//depot/b.c"));

        var result = SimHarness.Ok(_p4.Run("opened", "-a"));

        Assert.Equal(
            ["//depot/a.c#1 - edit default change (text) by bob@ws *locked*",
             "//depot/b.c#1 - edit default change (text) by alice@other"],
            result.Out);
        Assert.Equal(["//depot/a.c#1 - edit default change (text) *locked*"], _p4.Run("opened").Out);
    }

    [Fact]
    public void OpenedA_Tagged_UserClientAndLock()
    {
        _p4.Submit("add", ("a.c", "1\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.Run("lock", "//depot/a.c"));

        var result = SimHarness.Ok(_p4.Run("-ztag", "opened", "-a"));

        Assert.Equal(
            ["... depotFile //depot/a.c", "... clientFile //ws/a.c", "... rev 1", "... haveRev 1", "... action edit",
             "... change default", "... type text", "... user bob", "... client ws", "... ourLock"],
            result.Out);
    }

    [Fact]
    public void SyncNone_RemovesEverythingFromWorkspace()
    {
        _p4.Submit("add", ("main/a.c", "1\n"));
        _p4.Submit("edit", ("main/a.c", "2\n"));

        var result = SimHarness.Ok(_p4.Run("sync", "//depot/...#0"));

        Assert.Equal([$"//depot/main/a.c#2 - deleted as {_p4.Local("main/a.c")}"], result.Out);
        Assert.False(File.Exists(_p4.Local("main/a.c")));
        // The plural rule echoes the argument as typed, revision included.
        Assert.Equal(["//depot/...#none - file(s) up-to-date."], _p4.Run("sync", "//depot/...#none").Err);
    }

    [Fact]
    public void SyncKNone_HaveListOnly()
    {
        _p4.Submit("add", ("main/a.c", "1\n"));

        var result = SimHarness.Ok(_p4.Run("sync", "-k", "//depot/...#0"));

        Assert.Equal([$"//depot/main/a.c#1 - deleted as {_p4.Local("main/a.c")}"], result.Out);
        Assert.True(File.Exists(_p4.Local("main/a.c")));
        SimHarness.Ok(_p4.Run("sync", "-k"));
        Assert.Equal(["File(s) up-to-date."], _p4.Run("sync").Err);
    }
}
