using System.Diagnostics;
using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Tests.Support;

/// <summary>A depot of the p4 simulator (the `p4` launcher in this test's output), driven as a developer would: a client of its own, add, edit, integrate, submit.</summary>
public sealed class SimDepot
{
    private const string User = "dev";
    private const string Client = "dev-ws";

    private SimDepot(string root)
    {
        Root = root;
        Workspace = Path.Combine(Path.GetDirectoryName(root)!, "dev-ws");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Workspace);
        GiveToCommandUser(Root);
    }

    /// <summary>
    /// A root agent runs commands as nobody (execution.run_as), and they submit too: the depot's folders (files in
    /// them are replaced, never rewritten) belong to that user.
    /// </summary>
    public static void GiveToCommandUser(string depotRoot)
    {
        if (!Environment.IsPrivilegedProcess) return;
        Directory.CreateDirectory(Path.Combine(depotRoot, "blobs"));
        using var chown = Process.Start("chown", ["nobody", depotRoot, Path.Combine(depotRoot, "blobs")]);
        chown.WaitForExit();
    }

    public static string Launcher => Path.Combine(AppContext.BaseDirectory, "p4");

    /// <summary>The depot folder: the P4PORT of the simulator.</summary>
    public string Root { get; }
    public string Workspace { get; }

    /// <summary>An empty depot with the developer's client mapping all of //depot.</summary>
    public static async Task<SimDepot> CreateAsync()
    {
        var depot = new SimDepot(Path.Combine(Path.GetTempPath(), "p4flow-depot-" + Guid.NewGuid().ToString("N")[..8], "depot"));
        await depot.RunWithInputAsync($"Client:\t{Client}\n\nRoot:\t{depot.Workspace}\n\nView:\n\t//depot/... //{Client}/...\n", "client", "-i");
        return depot;
    }

    /// <summary>The simulator's demo depot: main and rel share history; main has a clean change, a conflicting one and a binary file.</summary>
    public static async Task<SimDepot> CreateDemoAsync()
    {
        var depot = new SimDepot(Path.Combine(Path.GetTempPath(), "p4flow-demo-" + Guid.NewGuid().ToString("N")[..8], "depot"));
        await RunProcessAsync(depot.Workspace, null, ["init-demo", depot.Root], null);
        return depot;
    }

    /// <summary>Adds (or edits) files and submits them as one change.</summary>
    public async Task SubmitAsync(string description, params (string Path, string Content, string? Type)[] files)
    {
        foreach (var (path, content, type) in files)
        {
            var local = Path.Combine(Workspace, path);
            var depotPath = "//depot/" + path;
            var exists = File.Exists(local);
            if (exists) await RunAsync("edit", depotPath);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await File.WriteAllTextAsync(local, content);
            if (!exists) await (type is null ? RunAsync("add", depotPath) : RunAsync("add", "-t", type, depotPath));
        }
        await RunAsync("submit", "-d", description);
    }

    /// <summary>Branches main into rel, as the history every integration starts from.</summary>
    public async Task BranchAsync(string from = "//depot/main/...", string to = "//depot/rel/...")
    {
        await RunAsync("integrate", from, to);
        await RunAsync("submit", "-d", $"Branch {from} to {to}");
    }

    /// <summary>Writes faults.json: the simulator injects these failures (kinds: unreachable, session-expired, locked, exclusive, latency, hang).</summary>
    public Task InjectFaultsAsync(params JsonObject[] faults) =>
        File.WriteAllTextAsync(Path.Combine(Root, "faults.json"), new JsonArray([.. faults]).ToJsonString());

    public Task<string> RunAsync(params string[] args) => RunProcessAsync(Workspace, this, ["-p", Root, "-u", User, "-c", Client, .. args], null);

    public Task<string> RunWithInputAsync(string stdin, params string[] args) => RunProcessAsync(Workspace, this, ["-p", Root, "-u", User, "-c", Client, .. args], stdin);

    /// <summary>Runs p4 as someone working in a job's workspace (to resolve its conflicts by hand).</summary>
    public Task<string> RunInJobWorkspaceAsync(string jobWorkspace, string jobUser, string jobClient, params string[] args) =>
        RunProcessAsync(jobWorkspace, this, ["-p", Root, "-u", jobUser, "-c", jobClient, .. args], null);

    private static async Task<string> RunProcessAsync(string workDir, SimDepot? depot, string[] args, string? stdin)
    {
        var info = new ProcessStartInfo(Launcher) { WorkingDirectory = workDir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("p4 did not start");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"p4 {string.Join(' ', args)} (depot {depot?.Root}) exited {process.ExitCode}: {await stdout}{await stderr}");
        return await stdout + await stderr;
    }
}
