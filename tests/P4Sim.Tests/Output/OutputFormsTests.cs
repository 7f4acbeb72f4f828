using System.Text.Json;

namespace P4Flow.P4Sim.Tests.Output;

public sealed class OutputFormsTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private void AddFile()
    {
        _p4.Write("main/a.c", "hello\n");
        SimHarness.Ok(_p4.Run("add", _p4.Local("main/a.c")));
    }

    [Fact]
    public void Sync_NothingToSync_WarningOnStderrExitZero()
    {
        var result = _p4.Run("sync");

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(["File(s) up-to-date."], result.Err);
    }

    [Fact]
    public void ScriptMode_Warning_PrefixedOnStdoutWithExitLine()
    {
        var result = _p4.Run("-s", "sync");

        Assert.Equal(["warning: File(s) up-to-date.", "exit: 0"], result.Out);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void ScriptMode_Failure_ErrorPrefixAndExitOne()
    {
        var result = _p4.Run("-s", "submit", "-c", "99");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["error: Change 99 unknown.", "exit: 1"], result.Out);
    }

    [Fact]
    public void ScriptMode_InfoAndNestedInfo_NumberedPrefix()
    {
        _p4.Submit("add", ("main/a.c", "one\n"));
        SimHarness.Ok(_p4.Run("-s", "edit", "//depot/main/a.c"));
        _p4.CreateClient("ws2", Path.Combine(_p4.Folder, "ws2"), "alice");
        SimHarness.Ok(_p4.RunOther("alice", "ws2", "sync"));

        var result = _p4.RunOther("alice", "ws2", "-s", "edit", "//depot/main/a.c");

        Assert.Equal(
            ["info: //depot/main/a.c#1 - opened for edit", "info1: //depot/main/a.c - also opened by bob@ws", "exit: 0"],
            result.Out);
    }

    [Fact]
    public void JsonMode_Warning_DataSeverityGeneric()
    {
        var result = _p4.Run("-ztag", "-Mj", "sync");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["{\"data\":\"File(s) up-to-date.\\n\",\"severity\":2,\"generic\":17}"], result.Err);
    }

    [Fact]
    public void JsonMode_Failure_SeverityThree()
    {
        var result = _p4.Run("-ztag", "-Mj", "submit", "-c", "99");

        Assert.Equal(1, result.Exit);
        using var json = JsonDocument.Parse(result.Err[0]);
        Assert.Equal("Change 99 unknown.\n", json.RootElement.GetProperty("data").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("severity").GetInt32());
    }

    [Fact]
    public void Tagged_Opened_KeyLinesThenBlankLine()
    {
        AddFile();

        var result = _p4.Run("-ztag", "opened");

        Assert.Equal(
            ["... depotFile //depot/main/a.c", "... clientFile //ws/main/a.c", "... rev 1", "... haveRev none", "... action add",
             "... change default", "... type text", "... user bob", "... client ws"],
            result.Out);
        Assert.EndsWith("... client ws\n\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonTagged_Opened_OneObjectWithTaggedKeys()
    {
        AddFile();

        var result = _p4.Run("-ztag", "-Mj", "opened");

        var line = Assert.Single(result.Out);
        Assert.StartsWith("{\"depotFile\":\"//depot/main/a.c\",\"clientFile\":\"//ws/main/a.c\",\"rev\":\"1\"", line, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("add", json.RootElement.GetProperty("action").GetString());
        Assert.Equal("default", json.RootElement.GetProperty("change").GetString());
    }

    [Fact]
    public void JsonUntagged_Opened_CollapsesToDataBlob()
    {
        AddFile();

        var result = _p4.Run("-Mj", "opened");

        Assert.Equal(["{\"data\":\"//depot/main/a.c#1 - add default change (text)\",\"level\":0}"], result.Out);
    }

    [Fact]
    public void Quiet_Add_PrintsNothing()
    {
        _p4.Write("main/a.c", "x\n");

        var result = _p4.Run("-q", "add", _p4.Local("main/a.c"));

        Assert.Equal(0, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Single(SimHarness.Ok(_p4.Run("opened")).Out);
    }

    [Fact]
    public void Info_Text_ListsUserClientRootAndPinnedDate()
    {
        var result = _p4.Run("info");

        Assert.Equal(0, result.Exit);
        Assert.Contains("User name: bob", result.Out);
        Assert.Contains("Client name: ws", result.Out);
        Assert.Contains($"Client root: {_p4.Root}", result.Out);
        Assert.Contains($"Server root: {_p4.DepotRoot}", result.Out);
        Assert.Contains("Server date: 2024/05/01 12:00:00 +0000 UTC", result.Out);
    }

    [Fact]
    public void Info_UnknownClient_SaysClientUnknown()
    {
        var result = _p4.RunOther("bob", "nosuch", "info");

        Assert.Contains("Client unknown.", result.Out);
    }

    [Fact]
    public void Info_Tagged_UserNameKey()
    {
        var result = _p4.Run("-ztag", "info");

        Assert.Equal("... userName bob", result.Out[0]);
        Assert.Contains("... clientName ws", result.Out);
    }

    [Fact]
    public void UnknownCommand_FailsWithExitOne()
    {
        var result = _p4.Run("frobnicate");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Unknown command.  Try 'p4 help' for info."], result.Err);
    }

    [Fact]
    public void GlobalOptions_UserAndClientFlags_OverrideEnvironment()
    {
        var result = _p4.Run("-u", "carol", "-c", "other", "-ztag", "info");

        Assert.Contains("... userName carol", result.Out);
        Assert.Contains("... clientName other", result.Out);
    }

    [Fact]
    public void P4Config_FileInWorkspace_OverridesEnvironment()
    {
        File.WriteAllText(Path.Combine(_p4.Root, ".p4config"), "P4USER=dave\n");
        var environment = new Dictionary<string, string>(_p4.Environment) { ["P4CONFIG"] = ".p4config" };

        var result = _p4.RunAs(environment, "", "-ztag", "info");

        Assert.Contains("... userName dave", result.Out);
    }

    [Fact]
    public void Port_NotADepotDirectory_ConnectFailsExitOne()
    {
        var result = _p4.Run("-p", "perforce:1666", "info");

        Assert.Equal(1, result.Exit);
        Assert.Equal(
            ["Perforce client error:", "\tConnect to server failed; check $P4PORT.", "\tTCP connect to perforce:1666 failed.", "\tName or service not known"],
            result.Err);
    }
}
