using Microsoft.AspNetCore.Hosting.Server;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Hosting;

/// <summary>In demo mode, starts the sample workflow once the host is up and says how to watch and continue it.</summary>
internal sealed partial class DemoRun(WorkflowRuntime runtime, IServer server, IHostApplicationLifetime lifetime, ILogger<DemoRun> logger) : BackgroundService
{
    public const string DefinitionId = "hello-p4flow";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        var job = await runtime.StartAsync(DefinitionId, new System.Text.Json.Nodes.JsonObject { ["greeting"] = "demo" }, stoppingToken).ConfigureAwait(false);
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5000";
        LogDemo(logger, job.Id, address);
    }

    [LoggerMessage(2101, LogLevel.Information, "Demo job {JobId} started. Watch it: curl {Address}/api/jobs/{JobId} ; continue it: curl -X POST {Address}/api/jobs/{JobId}/resume -H 'Content-Type: application/json' -d '{{\"bookmark\":\"approve\"}}'")]
    private static partial void LogDemo(ILogger logger, string jobId, string address);
}
