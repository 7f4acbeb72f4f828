using System.Text;

namespace P4Flow.P4Sim.Tests.Launcher;

/// <summary>
/// The native simulator against the dll: every step runs through `dotnet P4Flow.P4Sim.dll` on one depot and through
/// p4-native on a twin depot built the same way; stdout, stderr and exit code must be the same byte for byte (the
/// depots' folders aside), and so must the depot.json and faults.json each side leaves behind.
/// </summary>
public sealed class NativeParityTests : IDisposable
{
    private readonly SimHarness _dll = new();
    private readonly SimHarness _native = new();

    public void Dispose()
    {
        _dll.Dispose();
        _native.Dispose();
    }

    /// <summary>Runs one command on both sides and asserts the same result; returns the native one.</summary>
    private async Task<P4Result> SameWithInput(string input, params string[] args)
    {
        var expected = Normalise(await SimProcess.Dll.RunAsync(_dll, input, args), _dll);
        var actual = Normalise(await SimProcess.Native.RunAsync(_native, input, args), _native);

        var command = string.Join(' ', args);
        Assert.True(expected.Stdout == actual.Stdout, $"p4 {command}: stdout differs\n--- dll\n{expected.Stdout}--- native\n{actual.Stdout}");
        Assert.True(expected.Stderr == actual.Stderr, $"p4 {command}: stderr differs\n--- dll\n{expected.Stderr}--- native\n{actual.Stderr}");
        Assert.True(expected.Exit == actual.Exit, $"p4 {command}: exit {expected.Exit} (dll) against {actual.Exit} (native)");
        return actual;
    }

    private Task<P4Result> Same(params string[] args) => SameWithInput("", args);

    private static P4Result Normalise(P4Result result, SimHarness harness) =>
        new(result.Exit, result.Stdout.Replace(harness.Folder, "{folder}", StringComparison.Ordinal), result.Stderr.Replace(harness.Folder, "{folder}", StringComparison.Ordinal));

    private void Write(string relative, string text)
    {
        _dll.Write(relative, text);
        _native.Write(relative, text);
    }

    private void Write(string relative, byte[] content)
    {
        _dll.Write(relative, content);
        _native.Write(relative, content);
    }

    private void SameDepotFile(string name)
    {
        string Read(SimHarness harness)
        {
            var path = Path.Combine(harness.DepotRoot, name);
            return File.Exists(path) ? File.ReadAllText(path).Replace(harness.Folder, "{folder}", StringComparison.Ordinal) : "(none)";
        }

        Assert.Equal(Read(_dll), Read(_native));
    }

    [NativeFact]
    public async Task OutputForms_InfoAndErrors_SameStreamsAndExitCodes()
    {
        await Same("info");
        await Same("-s", "info");
        await Same("-ztag", "info");
        await Same("-ztag", "-Mj", "info");
        await Same("-Mj", "info");
        await Same("-u", "carol", "-c", "other", "-ztag", "info");
        await Same();
        await Same("frobnicate");
        await Same("-x");
        await Same("-p", "perforce:1666", "info");
        await Same("-s", "submit", "-c", "42");
        await Same("-ztag", "-Mj", "submit", "-c", "42");
        await Same("sync");
        await Same("-s", "sync");
        await Same("-ztag", "-Mj", "sync");
    }

    [NativeFact]
    public async Task Workspace_AddSubmitEditRevert_SameOutputAndDepot()
    {
        await Same("client", "-o");
        await Same("-ztag", "client", "-o");
        Write("main/a.c", SimHarness.TenLines());
        Write("main/ü nicode.txt", "grüße\n");
        Write("main/logo.bin", [0, 1, 2, 255, 254]);
        Write("main/lock.c", "locked\n");
        await Same("add", "//depot/main/a.c", "//depot/main/ü nicode.txt");
        await Same("-ztag", "-Mj", "add", "-t", "binary", "//depot/main/logo.bin");
        await Same("-s", "add", "-t", "text+l", "//depot/main/lock.c");
        await Same("opened");
        await Same("-ztag", "-Mj", "opened");
        await Same("submit", "-d", "first");
        await Same("changes");
        await Same("-ztag", "-Mj", "changes");
        await Same("describe", "-s", "1");
        await Same("-ztag", "-Mj", "describe", "1");
        await Same("fstat", "//depot/main/...");
        await Same("-ztag", "-Mj", "fstat", "//depot/main/...");
        await Same("print", "//depot/main/a.c");
        await Same("print", "-q", "//depot/main/ü nicode.txt");
        await Same("-ztag", "-Mj", "print", "//depot/main/a.c");
        await Same("edit", "//depot/main/a.c");
        await Same("lock", "//depot/main/a.c");
        await Same("-ztag", "-Mj", "edit", "//depot/main/lock.c");
        await Same("revert", "-n", "//depot/main/...");
        await Same("revert", "//depot/main/lock.c");
        await Same("sync", "-f");
        await Same("-ztag", "-Mj", "sync", "-n", "//depot/main/...#0");
        await Same("delete", "//depot/main/logo.bin");
        await Same("submit", "-d", "second");
        Assert.Contains("... //depot/main/logo.bin#2 delete", (await Same("describe", "2")).Out);
        SameDepotFile("depot.json");
    }

    [NativeFact]
    public async Task IntegrateResolveShelveSubmit_Conflicts_SameOutputAndDepot()
    {
        Write("main/a.c", SimHarness.TenLines());
        Write("main/b.c", SimHarness.TenLines());
        await Same("add", "//depot/main/...");
        await Same("submit", "-d", "add main");
        await Same("integrate", "//depot/main/...", "//depot/rel/...");
        await Same("submit", "-d", "branch");
        await Same("edit", "//depot/main/...");
        Write("main/a.c", SimHarness.TenLines((5, "main")));
        Write("main/b.c", SimHarness.TenLines((2, "main")));
        await Same("submit", "-d", "main edit");
        await Same("edit", "//depot/rel/a.c");
        Write("rel/a.c", SimHarness.TenLines((5, "rel")));
        await Same("submit", "-d", "rel edit");
        await Same("-ztag", "-Mj", "integrate", "-n", "//depot/main/...", "//depot/rel/...");
        await Same("integrate", "//depot/main/...", "//depot/rel/...");
        await Same("integrate", "//depot/main/...", "//depot/rel/...");
        await Same("resolve", "-n");
        await Same("-ztag", "-Mj", "resolve", "-n");
        await Same("-ztag", "-Mj", "resolve", "-am");
        await Same("resolve", "-as");
        await Same("resolve", "-n");
        await Same("-s", "submit", "-d", "blocked by a conflict");
        await Same("resolve", "-at");
        await Same("-ztag", "-Mj", "resolve", "-n");
        await SameWithInput("Change:\tnew\n\nDescription:\n\tIntegrate main to rel\n", "change", "-i");
        await Same("reopen", "-c", "5", "//depot/rel/...");
        await Same("shelve", "-c", "5");
        await Same("-ztag", "-Mj", "describe", "-S", "5");
        await Same("submit", "-c", "5");
        await Same("shelve", "-d", "-c", "5");
        await Same("-ztag", "-Mj", "submit", "-c", "5");
        Assert.Equal(5, (await Same("changes", "-s", "submitted")).Out.Length);
        SameDepotFile("depot.json");
    }

    [NativeFact]
    public async Task UnshelveAndChangeUser_ShelfForOwner_SameOutputAndDepot()
    {
        Write("a.c", SimHarness.TenLines());
        await Same("add", "//depot/a.c");
        await Same("submit", "-d", "add");
        await Same("edit", "//depot/a.c");
        Write("a.c", SimHarness.TenLines((2, "shelved")));
        await SameWithInput("Change:\tnew\n\nDescription:\n\tFor alice\n\nFiles:\n\t//depot/a.c\n", "change", "-i");
        await Same("shelve", "-c", "2");
        await Same("-s", "change", "-U", "alice", "2");
        Write("a.c", SimHarness.TenLines((9, "mine")));
        await Same("-ztag", "-Mj", "unshelve", "-s", "2");
        await Same("-ztag", "-Mj", "resolve", "-n");
        await Same("resolve", "-am");
        await Same("revert", "-k", "//depot/a.c");
        await Same("-ztag", "-Mj", "change", "-U", "alice", "2");
        await Same("-s", "unshelve", "-s", "2", "-n");
        await Same("unshelve", "-f", "-s", "2");
        await Same("-ztag", "-Mj", "describe", "-S", "2");
        SameDepotFile("depot.json");
    }

    [NativeFact]
    public async Task Faults_EnvironmentAndFile_SameOutputAndCountdown()
    {
        Write("a.c", "one\n");
        await Same("add", "//depot/a.c");
        await Same("submit", "-d", "add");
        foreach (var fault in new[] { "unreachable", "session-expired", "password-unset", "latency:ms=5,cmd=sync" })
        {
            _dll.Environment["P4SIM_FAULT"] = _native.Environment["P4SIM_FAULT"] = fault;
            await Same("sync");
            await Same("-ztag", "-Mj", "login", "-s");
        }

        _dll.Environment["P4SIM_FAULT"] = _native.Environment["P4SIM_FAULT"] = "exclusive:path=//depot/a.c,owner=alice@alice-ws";
        await Same("edit", "//depot/a.c");
        _dll.Environment.Remove("P4SIM_FAULT");
        _native.Environment.Remove("P4SIM_FAULT");

        const string Faults = """[{"Kind": "unreachable", "commands": ["sync"], "times": 1}, {"kind": "locked", "path": "//depot/a.c", "owner": "alice@alice-ws"}]""";
        await File.WriteAllTextAsync(Path.Combine(_dll.DepotRoot, "faults.json"), Faults, Encoding.UTF8);
        await File.WriteAllTextAsync(Path.Combine(_native.DepotRoot, "faults.json"), Faults, Encoding.UTF8);
        await Same("sync", "-f");
        SameDepotFile("faults.json");
        await Same("sync", "-f");
        await Same("edit", "//depot/a.c");
        await Same("-s", "submit", "-d", "locked elsewhere");
        SameDepotFile("faults.json");
        SameDepotFile("depot.json");
    }

    [NativeFact]
    public async Task InitDemo_IntegrateAndResolve_SameOutput()
    {
        foreach (var harness in new[] { _dll, _native })
        {
            harness.Environment["P4PORT"] = Path.Combine(harness.Folder, "demo");
            harness.Environment["P4USER"] = "demo";
            harness.Environment["P4CLIENT"] = "demo-ws";
        }

        await Same("init-demo", "../demo");
        await Same("changes");
        await Same("integrate", "-b", "main-rel");
        await Same("-ztag", "-Mj", "resolve", "-am");
        await Same("-ztag", "-Mj", "resolve", "-n");
        Assert.Equal(2, (await Same("resolve", "-n")).Out.Length);
    }
}
