using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>
/// Demo mode: a simulated depot (created on first run) stands in for the Perforce server, and a sample
/// integration of //depot/main into //depot/rel starts once the host is up. It stops in NEEDS_RESOLVE on a
/// real conflict; the log says how to resolve it and continue.
/// </summary>
internal sealed partial class DemoRun(WorkflowRuntime runtime, IServer server, IHostApplicationLifetime lifetime, ILogger<DemoRun> logger) : BackgroundService
{
    public const string DefinitionId = "p4-integrate";
    public static string DepotDir => Path.GetFullPath(Path.Combine("data", "demo-depot"));
    public static string P4Launcher => Path.Combine(AppContext.BaseDirectory, "p4");

    /// <summary>Settings that point the P4 activities at the simulator; applied before services are built.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["perforce:executable"] = P4Launcher,
        ["perforce:port"] = DepotDir,
        ["perforce:user"] = "demo",
    };

    /// <summary>Creates the simulated depot unless a previous demo left one.</summary>
    public static void EnsureDepot()
    {
        if (File.Exists(Path.Combine(DepotDir, "depot.json"))) return;
        var info = new ProcessStartInfo(P4Launcher) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("init-demo");
        info.ArgumentList.Add(DepotDir);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {P4Launcher}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"p4 init-demo failed: {error}");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        var input = new JsonObject { ["source"] = "//depot/main/...", ["target"] = "//depot/rel/...", ["description"] = "Demo: integrate main into rel" };
        var job = await runtime.StartAsync(DefinitionId, input, stoppingToken).ConfigureAwait(false);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5000";
        LogDemo(logger, job.Id, address, DepotDir, P4Launcher);
    }

    [LoggerMessage(2101, LogLevel.Information, """
        Demo integration {JobId} started against the simulated depot {Depot}.
          Watch it:     curl {Address}/api/jobs/{JobId}
          It stops in NEEDS_RESOLVE on conflict.c. Resolve it in the job's workspace, e.g. take the source's version:
                        (cd data/workspaces/{JobId} && {P4} -p {Depot} -u demo -c p4flow-{JobId} resolve -at)
          Continue:     curl -X POST {Address}/api/jobs/{JobId}/continue
        """)]
    private static partial void LogDemo(ILogger logger, string jobId, string address, string depot, string p4);
}
