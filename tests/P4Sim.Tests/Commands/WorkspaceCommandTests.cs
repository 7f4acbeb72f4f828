namespace P4Flow.P4Sim.Tests.Commands;

public sealed class WorkspaceCommandTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    [Fact]
    public void Add_NewFile_OpenedForAdd()
    {
        _p4.Write("main/a.c", "x\n");

        var result = _p4.Run("add", _p4.Local("main/a.c"));

        Assert.Equal(["//depot/main/a.c#1 - opened for add"], result.Out);
    }

    [Fact]
    public void Add_ExistingFile_CannotAddWarning()
    {
        _p4.Submit("add", ("main/a.c", "x\n"));

        var result = _p4.Run("add", _p4.Local("main/a.c"));

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/main/a.c - can't add existing file"], result.Err);
    }

    [Fact]
    public void Add_FileWithNulByte_DetectedAsBinary()
    {
        _p4.Write("logo.bin", new byte[] { 1, 0, 2 });
        SimHarness.Ok(_p4.Run("add", _p4.Local("logo.bin")));

        Assert.Equal(["//depot/logo.bin#1 - add default change (binary)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Edit_SyncedFile_OpenedForEditAndWritable()
    {
        _p4.Submit("add", ("main/a.c", "x\n"));

        var result = _p4.Run("edit", "//depot/main/a.c");
        var again = _p4.Run("edit", _p4.Local("main/a.c"));

        Assert.Equal(["//depot/main/a.c#1 - opened for edit"], result.Out);
        Assert.Equal(["//depot/main/a.c#1 - currently opened for edit"], again.Out);
        Assert.NotEqual(0, (int)(File.GetUnixFileMode(_p4.Local("main/a.c")) & UnixFileMode.UserWrite));
    }

    [Fact]
    public void Edit_NotOnClient_WarningPerArgument()
    {
        var result = _p4.Run("edit", "//depot/none.c");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/none.c - file(s) not on client."], result.Err);
    }

    [Fact]
    public void Edit_ExclusiveFileOpenedElsewhere_FailsExitOne()
    {
        _p4.Write("a.c", "x\n");
        SimHarness.Ok(_p4.Run("add", "-t", "text+l", _p4.Local("a.c")));
        SimHarness.Ok(_p4.Run("submit", "-d", "add"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "sync"));

        var result = _p4.RunOther("alice", "ws2", "edit", "//depot/a.c");
        var opened = _p4.RunOther("alice", "ws2", "opened", "-x");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["//depot/a.c - can't edit exclusive file already opened"], result.Err);
        Assert.Equal(["//depot/a.c#1 - edit default change (text+l) by bob@ws *exclusive*"], opened.Out);
    }

    [Fact]
    public void Delete_SyncedFile_OpenedForDeleteAndRemoved()
    {
        _p4.Submit("add", ("a.c", "x\n"));

        var result = _p4.Run("delete", "//depot/a.c");

        Assert.Equal(["//depot/a.c#1 - opened for delete"], result.Out);
        Assert.False(File.Exists(_p4.Local("a.c")));
    }

    [Fact]
    public void Revert_Edit_RestoresHaveRevision()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        _p4.Write("a.c", "changed\n");

        var result = _p4.Run("revert", "//depot/a.c");

        Assert.Equal(["//depot/a.c#1 - was edit, reverted"], result.Out);
        Assert.Equal("x\n", _p4.Read("a.c"));
    }

    [Fact]
    public void Revert_Add_AbandonedAndFileKept()
    {
        _p4.Write("a.c", "x\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("a.c")));

        var result = _p4.Run("revert", "//...");

        Assert.Equal(["//depot/a.c#none - was add, abandoned"], result.Out);
        Assert.True(File.Exists(_p4.Local("a.c")));
    }

    [Fact]
    public void Revert_NothingOpened_PluralRule()
    {
        Assert.Equal(["//... - file(s) not opened on this client."], _p4.Run("revert", "//...").Err);
        Assert.Equal(["File(s) not opened on this client."], _p4.Run("opened").Err);
    }

    [Fact]
    public void Opened_NumberedChange_ShowsChangeNumber()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\twork\n\nFiles:\n\t//depot/a.c\t# edit\n", "change", "-i"));

        Assert.Equal(["//depot/a.c#1 - edit change 2 (text)"], _p4.Run("opened").Out);
    }

    [Fact]
    public void Opened_AllClientsWithLock_ByUserAndLocked()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.Run("lock", "//depot/a.c"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");

        var result = _p4.RunOther("alice", "ws2", "opened", "-a");

        Assert.Equal(["//depot/a.c#1 - edit default change (text) by bob@ws *locked*"], result.Out);
    }

    [Fact]
    public void ChangeOutput_New_FormWithDefaultChangeFiles()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));

        var result = _p4.Run("change", "-o");

        var form = result.Out.SkipWhile(l => l.StartsWith('#')).ToArray();
        Assert.Equal(
            ["", "Change:\tnew", "", "Client:\tws", "", "User:\tbob", "", "Status:\tnew", "", "Type:\tpublic", "",
             "Description:", "\t<enter description here>", "", "Files:", "\t//depot/a.c\t# edit"],
            form);
    }

    [Fact]
    public void ChangeInput_ExistingChange_Updated()
    {
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tfirst\n", "change", "-i"));

        var result = _p4.RunWithInput("Change:\t1\n\nDescription:\n\tsecond\n", "change", "-i");

        Assert.Equal(["Change 1 updated."], result.Out);
        Assert.Equal(["Change 1 on 2024/05/01 by bob@ws *pending* 'second'"], _p4.Run("changes").Out);
    }

    [Fact]
    public void ChangeInput_NoDescription_ErrorExitOne()
    {
        var result = _p4.RunWithInput("Change:\tnew\n\nDescription:\n\t<enter description here>\n", "change", "-i");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Error in change specification.", "Change description missing!  You must enter one."], result.Err);
    }

    [Fact]
    public void Changes_LongDescription_First31Characters()
    {
        _p4.Submit("A description that is much longer than thirty-one characters", ("a.c", "x\n"));

        var result = _p4.Run("changes");

        Assert.Equal(["Change 1 on 2024/05/01 by bob@ws 'A description that is much long'"], result.Out);
    }

    [Fact]
    public void DescribeS_ShelvedChange_ShelvedFilesSection()
    {
        _p4.Submit("add", ("a.c", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/a.c"));
        SimHarness.Ok(_p4.RunWithInput("Change:\tnew\n\nDescription:\n\tshelf\n\nFiles:\n\t//depot/a.c\n", "change", "-i"));
        SimHarness.Ok(_p4.Run("shelve", "-c", "2"));

        var result = _p4.Run("describe", "-S", "2");

        Assert.Equal(
            ["Change 2 by bob@ws on 2024/05/01 12:00:00 *pending*", "", "\tshelf", "", "Shelved files ...", "", "... //depot/a.c#1 edit"],
            result.Out);
    }

    [Fact]
    public void Describe_WithoutS_ShowsDifferences()
    {
        _p4.Submit("add", ("a.c", "one\ntwo\n"));
        _p4.Submit("edit", ("a.c", "one\nTWO\n"));

        var result = _p4.Run("describe", "2");

        Assert.Equal(
            ["Differences ...", "", "==== //depot/a.c#2 (text) ====", "", "2c2", "< two", "---", "> TWO"],
            result.Out[^8..]);
    }

    [Fact]
    public void Print_File_HeaderThenContent()
    {
        _p4.Submit("add", ("a.c", "hello\n"));

        var result = _p4.Run("print", "//depot/a.c");

        Assert.Equal(["//depot/a.c#1 - add change 1 (text)", "hello"], result.Out);
    }

    [Fact]
    public void Client_SameSpecAgain_NotChanged()
    {
        var form = $"Client:\tws\n\nOwner:\tbob\n\nRoot:\t{_p4.Root}\n\nView:\n\t//depot/... //ws/...\n";

        var result = _p4.RunWithInput(form, "client", "-i");

        Assert.Equal(["Client ws not changed."], result.Out);
    }

    [Fact]
    public void ClientOutput_Existing_RootAndViewFields()
    {
        var result = _p4.Run("client", "-o");

        Assert.Equal("# A Perforce Client Specification.", result.Out[0]);
        Assert.Contains($"Root:\t{_p4.Root}", result.Out);
        Assert.Contains("\t//depot/... //ws/...", result.Out);
        Assert.Contains("... View0 //depot/... //ws/...", _p4.Run("-ztag", "client", "-o").Out);
    }

    [Fact]
    public void Sync_UnknownClient_FailsWithUnknownClientMessage()
    {
        var result = _p4.RunOther("bob", "nosuch", "sync");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Client 'nosuch' unknown - use 'client' command to create it."], result.Err);
    }
}
