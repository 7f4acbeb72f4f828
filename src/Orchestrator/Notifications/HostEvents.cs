using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce;
using P4Flow.Notifications;
using P4Flow.Orchestrator.Hub;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Notifications;

/// <summary>
/// The events the host sees outside a job's steps, raised into the outbox: an agent lost, an agent's or a Perforce
/// server's circuit opened, a Continue that found conflicts left. Observers must not throw or block: the write to the
/// outbox runs on its own, and a failure to write is logged.
/// </summary>
internal sealed partial class HostEvents(NotificationOutbox outbox, TimeProvider clock, ILogger<HostEvents> logger)
    : IAgentLostObserver, IAgentCircuitObserver, IP4CircuitObserver, IResolveCheckObserver
{
    public void AgentLost(string agentId, DateTimeOffset goneSince, string jobId, string reason) =>
        Raise(Topics.AgentLost, $"agent-lost/{agentId}/{goneSince.UtcTicks.ToString(CultureInfo.InvariantCulture)}", null,
            new JsonObject { ["agent"] = agentId, ["reason"] = reason, ["jobs"] = new JsonArray(jobId), ["goneSince"] = goneSince.UtcDateTime });

    public void AgentCircuitChanged(string agentId, bool open)
    {
        if (open) Raise(Topics.AgentCircuitOpen, $"agent-circuit/{agentId}/{Now()}", null, new JsonObject { ["agent"] = agentId });
    }

    public void CircuitChanged(string server, bool open)
    {
        if (open) Raise(Topics.ServerCircuitOpen, $"server-circuit/{server}/{Now()}", null, new JsonObject { ["server"] = server });
    }

    public async Task ConflictsRemainAsync(WorkflowInstance job, string checkedBy, ContinueResult result, CancellationToken cancellationToken)
    {
        if (!outbox.Routes(Topics.ContinueConflicts)) return;
        var payload = JobPayload.Of(job, outbox.Options);
        payload["continuedBy"] = checkedBy;
        payload["conflictCount"] = result.RemainingConflicts;
        payload["conflicts"] = new JsonArray([.. result.ConflictFiles.Take(JobPayload.MaxFiles).Select(c => (JsonNode)new JsonObject
        {
            ["file"] = c.File,
            ["fromFile"] = c.FromFile,
            ["reason"] = c.Reason,
        })]);
        try
        {
            // Not the request's token: the person has their answer; the message must still be written.
            await outbox.RaiseAsync(Topics.ContinueConflicts, $"{job.Id}/continue/{Now()}", job.Id, payload, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotRaised(logger, Topics.ContinueConflicts, ex.Message);
        }
    }

    private string Now() => clock.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture);

    private void Raise(string topic, string key, string? jobId, JsonObject payload)
    {
        if (!outbox.Routes(topic)) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await outbox.RaiseAsync(topic, key, jobId, payload, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogNotRaised(logger, topic, ex.Message);
            }
        });
    }

    [LoggerMessage(6101, LogLevel.Error, "Could not write the {Topic} notification to the outbox: {Reason}")]
    private static partial void LogNotRaised(ILogger logger, string topic, string reason);
}
