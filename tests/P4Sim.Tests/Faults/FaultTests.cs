using System.Diagnostics;

namespace P4Flow.P4Sim.Tests.Faults;

public sealed class FaultTests : IDisposable
{
    private readonly SimHarness _p4 = new();

    public void Dispose() => _p4.Dispose();

    private P4Result WithFault(string fault, params string[] args)
    {
        var environment = new Dictionary<string, string>(_p4.Environment) { ["P4SIM_FAULT"] = fault };
        return _p4.RunAs(environment, "", args);
    }

    [Fact]
    public void Unreachable_AnyCommand_ConnectFailedExitOne()
    {
        var result = WithFault("unreachable", "sync");

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Equal(
            ["Perforce client error:", "\tConnect to server failed; check $P4PORT.", "\tTCP connect to perforce:1666 failed.", "\tName or service not known"],
            result.Err);
    }

    [Fact]
    public void SessionExpired_Command_LoginAgainExitOneButLoginWorks()
    {
        SimHarness.Ok(_p4.RunWithInput("Secret-1\nSecret-1\n", "passwd"));
        var environment = new Dictionary<string, string>(_p4.Environment) { ["P4SIM_FAULT"] = "session-expired" };

        var result = WithFault("session-expired", "opened");
        var status = WithFault("session-expired", "login", "-s");
        var login = _p4.RunAs(environment, "Secret-1\n", "login");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Your session has expired, please login again."], result.Err);
        Assert.Equal(1, status.Exit);
        Assert.Equal(["Enter password: ", "User bob logged in."], login.Out);
    }

    [Fact]
    public void PasswordUnset_Command_PasswordInvalidExitOne()
    {
        var result = WithFault("password-unset", "sync");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["Perforce password (P4PASSWD) invalid or unset."], result.Err);
    }

    [Fact]
    public void Locked_SubmitOfLockedFile_AlreadyLockedExitOne()
    {
        _p4.Submit("add", ("rel/x.txt", "x\n"));
        SimHarness.Ok(_p4.Run("edit", "//depot/rel/x.txt"));
        const string Fault = "locked:path=//depot/rel/x.txt,owner=alice@alice-ws";

        var locking = WithFault(Fault, "lock", "//depot/rel/x.txt");
        var submit = WithFault(Fault, "submit", "-d", "edit");

        Assert.Equal(["//depot/rel/x.txt - already locked by alice@alice-ws"], locking.Err);
        Assert.Equal(1, locking.Exit);
        Assert.Equal(1, submit.Exit);
        Assert.Equal(
            ["//depot/rel/x.txt - already locked", "File(s) couldn't be locked.", "Submit failed -- fix problems above then use 'p4 submit -c 2'."],
            submit.Err);
    }

    [Fact]
    public void Exclusive_EditOfFile_CannotEditExclusiveExitOne()
    {
        _p4.Submit("add", ("rel/a.c", "x\n"));

        var result = WithFault("exclusive:path=//depot/rel/a.c", "edit", "//depot/rel/a.c");

        Assert.Equal(1, result.Exit);
        Assert.Equal(["//depot/rel/a.c - can't edit exclusive file already opened"], result.Err);
    }

    [Fact]
    public void Exclusive_IntegrateOntoFile_TrapInfoExitZero()
    {
        _p4.BranchedFile();
        _p4.Submit("main", ("main/a.c", SimHarness.TenLines((1, "main"))));

        var result = WithFault("exclusive:path=//depot/rel/a.c,owner=alice@alice-ws", "integrate", "//depot/main/...", "//depot/rel/...");

        Assert.Equal(0, result.Exit);
        Assert.Equal(["//depot/rel/a.c - can't integrate exclusive file already opened"], result.Out);
    }

    [Fact]
    public void Latency_Command_TakesAtLeastTheDelay()
    {
        var watch = Stopwatch.StartNew();

        var result = WithFault("latency:ms=300", "opened");

        Assert.True(watch.ElapsedMilliseconds >= 300, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(["File(s) not opened on this client."], result.Err);
    }

    [Fact]
    public async Task Hang_Command_BlocksUntilCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var environment = new Dictionary<string, string>(_p4.Environment) { ["P4SIM_FAULT"] = "hang:cmd=submit" };
        var run = Task.Run(() => P4Simulator.Run(["submit", "-c", "1"], TextWriter.Null, TextWriter.Null, environment, _p4.Root, null, cancel.Token));

        // A hung server is one that has not answered within the caller's timeout.
        var finishedEarly = await Task.WhenAny(run, Task.Delay(300)) == run;
        await cancel.CancelAsync();

        Assert.False(finishedEarly);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void CommandFilter_OtherCommand_NotAffected()
    {
        var result = WithFault("unreachable:cmd=submit+sync", "opened");

        Assert.Equal(0, result.Exit);
    }

    [Fact]
    public void FaultsFile_WithTimes_FailsThenRecovers()
    {
        File.WriteAllText(
            Path.Combine(_p4.DepotRoot, "faults.json"),
            """[{"kind":"unreachable","commands":["sync"],"times":1,"port":"ssl:perforce:1666"}]""");

        var first = _p4.Run("sync");
        var second = _p4.Run("sync");

        Assert.Equal(1, first.Exit);
        Assert.Contains("\tTCP connect to ssl:perforce:1666 failed.", first.Err);
        Assert.Equal(0, second.Exit);
        Assert.Equal(["File(s) up-to-date."], second.Err);
    }
}
