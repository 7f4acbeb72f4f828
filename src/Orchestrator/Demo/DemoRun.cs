using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Demo;

/// <summary>
/// Demo mode: a simulated depot (created on first run) stands in for the Perforce server, and a sample
/// integration of //depot/main into //depot/rel starts once the host is up. It stops in NEEDS_RESOLVE on a
/// real conflict; the log says how to resolve it and continue.
/// </summary>
internal sealed partial class DemoRun(WorkflowRuntime runtime, IServer server, IHostApplicationLifetime lifetime, CredentialBootstrap credentials, ILogger<DemoRun> logger) : BackgroundService
{
    public const string DefinitionId = "p4-integrate";
    public static string DepotDir => Path.GetFullPath(Path.Combine("data", "demo-depot"));
    public static string P4Launcher => CompanionPrograms.P4Launcher;

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
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? "http://127.0.0.1:5000";
        LogDemo(logger, job.Id, address, DepotDir, P4Launcher);
        PrintSignIn(address, addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal)));
    }

    // To the terminal only, never through the logger: log files must not hold the admin's password.
    private void PrintSignIn(string address, string? https)
    {
        var password = File.Exists(credentials.PasswordFile) ? File.ReadAllText(credentials.PasswordFile).Trim() : $"(in {credentials.PasswordFile})";
        Console.WriteLine($"""
              Studio:       {address}/  (also {https ?? "no HTTPS"}) - sign in as admin, password {password}
              API key:      data/admin-api-key (admin); every curl needs -H "X-Api-Key: $(cat data/admin-api-key)"
            """);
    }

    [LoggerMessage(2101, LogLevel.Information, """
        Demo integration {JobId} started against the simulated depot {Depot}.
          Watch it:     curl -H "X-Api-Key: $(cat data/admin-api-key)" {Address}/api/jobs/{JobId}
          It stops in NEEDS_RESOLVE on conflict.c. Resolve it in the job's workspace, e.g. take the source's version:
                        (cd data/workspaces/{JobId} && {P4} -p {Depot} -u demo -c p4flow-{JobId} resolve -at)
          Continue:     curl -X POST -H "X-Api-Key: $(cat data/admin-api-key)" {Address}/api/jobs/{JobId}/continue
        """)]
    private static partial void LogDemo(ILogger logger, string jobId, string address, string depot, string p4);
}
