using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.V1;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Hub;

/// <summary>The job cannot go on: its agent is lost, or no agent could take it.</summary>
public sealed class AgentUnavailableException(string message, string errorClass) : JobFailedException(message, errorClass)
{
    public const string AgentLost = "AGENT_LOST";
    public const string NoAgent = "NO_AGENT";
    /// <summary>The agent hung and the job starts over elsewhere: the attempt that waited on it ends with this.</summary>
    public const string AgentHang = "AGENT_HANG";
}

/// <summary>
/// Runs every job command on an agent: the job's first command picks a healthy agent that meets the job's
/// agentRequirements with the lowest load (the job waits in WAITING_FOR_AGENT while there is none); later commands
/// follow it there, where its workspace is. A job whose agent stays gone past agents.lost_grace fails AGENT_LOST; so
/// does one whose agent ended while its command ran (the agent answers "result unknown" and never runs it twice).
/// The stage change to and from WAITING_FOR_AGENT goes through the job's own door (<see cref="CommandRequest.Waits"/>):
/// the workflow runtime makes it.
/// </summary>
/// <summary>Told when a job's command fails because its agent stayed gone past agents.lost_grace, or ended while the command ran. Keep it quick, never throw.</summary>
public interface IAgentLostObserver
{
    /// <param name="goneSince">When the agent went: every job it held reports the same loss with the same time.</param>
    void AgentLost(string agentId, DateTimeOffset goneSince, string jobId, string reason);
}

public sealed partial class AgentCommandDispatcher(
    AgentRegistry registry,
    AgentCircuitBreakers circuits,
    IWorkflowStore store,
    IOptions<AgentsOptions> options,
    TimeProvider clock,
    ILogger<AgentCommandDispatcher> logger,
    IEnumerable<IAgentLostObserver> lostObservers,
    Cluster.HubRequests? requests = null) : ICommandDispatcher
{
    public const string WaitingStage = "WAITING_FOR_AGENT";
    public const string RequirementsInput = "agentRequirements";
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(250);
    /// <summary>The agent enforces the command's timeout; this is only for an agent that never answers at all.</summary>
    private static readonly TimeSpan SilenceMargin = TimeSpan.FromSeconds(60);

    public async Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Abandoned, not failed: the node that took over this one's work owns the job now.
        if (registry.Cluster is { Fenced: true }) throw new OperationCanceledException("This node lost its lease in the cluster: another node runs its jobs now.");
        var agentId = await AssignAsync(request, cancellationToken).ConfigureAwait(false);
        return await circuits.RunAsync(agentId, token => RunOnAsync(agentId, request, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// This node runs a command another node asked of an agent connected here (<see cref="Cluster.HubRequests"/>); never
    /// sent on again: when the agent leaves for another node the request goes with it (<see cref="Cluster.AgentMovedException"/>).
    /// </summary>
    /// <param name="nodeStopping">This node stops: the command stays out on the agent (and in the journal) for the node it reconnects to.</param>
    public Task<AgentAnswer> ServeAsync(string agentId, CommandRequest request, CancellationToken cancellationToken, CancellationToken nodeStopping)
    {
        ArgumentNullException.ThrowIfNull(request);
        registry.Adopt(request.JobId, agentId);
        return RunOnAsync(agentId, request, serving: true, cancellationToken, nodeStopping);
    }

    private Task<AgentAnswer> RunOnAsync(string agentId, CommandRequest request, CancellationToken cancellationToken) =>
        RunOnAsync(agentId, request, serving: false, cancellationToken, CancellationToken.None);

    /// <summary>Whether the agent is connected to another node of the cluster, not this one: its commands go there.</summary>
    private bool Elsewhere(string agentId) => requests is not null && registry.Cluster?.NodeOf(agentId) is not null && !registry.IsConnected(agentId);

    private async Task<AgentAnswer> RunOnAsync(string agentId, CommandRequest request, bool serving, CancellationToken cancellationToken, CancellationToken nodeStopping)
    {
        if (!serving && Elsewhere(agentId)) return await requests!.RunAsync(agentId, request, registry.Cluster!, cancellationToken).ConfigureAwait(false);
        var pending = registry.Submit(agentId, request);
        var grace = TimeSpan.FromSeconds(options.Value.LostGrace);
        var deadline = clock.GetUtcNow() + request.Timeout + request.Timeout + SilenceMargin;
        try
        {
            while (true)
            {
                var completion = pending.Completion.Task;
                if (!completion.IsCompleted)
                    await Task.WhenAny(completion, Task.Delay(CheckEvery, clock, cancellationToken)).ConfigureAwait(false);
                if (completion.IsCompletedSuccessfully)
                {
                    registry.Release(pending);
                    var result = await completion.ConfigureAwait(false);
                    if (result.ResultUnknown) throw Lost(agentId, request, registry.GoneSince(agentId) ?? clock.GetUtcNow(),
                        $"Agent {agentId} ended while cmd {pending.CmdId} '{string.Join(' ', request.Args.Take(8))}' ran, before it recorded a result: whether the command finished is unknown, and it is not run twice. Check the server's state (p4 opened, p4 changes), then start the job again.");
                    return new AgentAnswer(ToRun(result, agentId), AgentCircuitBreakers.FaultOf(result));
                }
                // Withdrawn from a hung agent: the job starts over elsewhere, and this attempt's end is not its end.
                if (completion.IsFaulted) await completion.ConfigureAwait(false);
                if (completion.IsCanceled) throw new OperationCanceledException($"Cmd {pending.CmdId} of job {request.JobId} was cancelled: the job ended.");
                cancellationToken.ThrowIfCancellationRequested();
                if (Elsewhere(agentId))
                {
                    // The agent reconnected to another node: the command (in flight there by the journal) is asked of it.
                    registry.Forget(pending);
                    break;
                }
                if (registry.GoneFor(agentId) is { } gone && gone >= grace)
                {
                    var reason = $"Agent {agentId} has been gone (disconnected or not answering pings) for {gone.TotalSeconds:0} s, longer than agents.lost_grace ({grace.TotalSeconds:0} s); cmd {pending.CmdId} '{string.Join(' ', request.Args.Take(8))}' got no result.";
                    registry.Abandon(pending, "agent lost");
                    throw Lost(agentId, request, registry.GoneSince(agentId) ?? clock.GetUtcNow() - gone, reason);
                }
                if (clock.GetUtcNow() > deadline)
                {
                    registry.Abandon(pending, "no answer");
                    var silence = $"Agent {agentId} sent no result for cmd {pending.CmdId} within its timeout.";
                    return new AgentAnswer(new CommandRun(pending.CmdId, -1, "", silence, request.Timeout, TimedOut: true, AgentId: agentId), silence);
                }
            }
        }
        catch (OperationCanceledException) when (!pending.Completion.Task.IsCompleted)
        {
            if (nodeStopping.IsCancellationRequested) registry.Forget(pending);
            else registry.Abandon(pending, "cancelled by the orchestrator");
            throw;
        }
        if (serving) throw new Cluster.AgentMovedException(agentId);
        return await requests!.RunAsync(agentId, request, registry.Cluster!, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's command has no result its agent can give: logged, told to the observers, failed AGENT_LOST.</summary>
    private AgentUnavailableException Lost(string agentId, CommandRequest request, DateTimeOffset goneSince, string reason)
    {
        HubLog.AgentLost(logger, request.JobId, agentId, reason);
        foreach (var observer in lostObservers) observer.AgentLost(agentId, goneSince, request.JobId, reason);
        return new AgentUnavailableException(reason, AgentUnavailableException.AgentLost);
    }

    /// <summary>The agent's answer as the job reads it: the agent's own error (refused, not started, cancelled) on stderr, where p4's is.</summary>
    private static CommandRun ToRun(CommandResult result, string agentId)
    {
        var stderr = result.Stderr;
        if (!string.IsNullOrEmpty(result.Error) && !stderr.Contains(result.Error, StringComparison.Ordinal))
            stderr = stderr.Length == 0 ? result.Error : stderr.TrimEnd('\n') + "\n" + result.Error;
        return new CommandRun(result.CmdId, result.ExitCode, result.Stdout, stderr, result.Duration?.ToTimeSpan() ?? TimeSpan.Zero, result.TimedOut, agentId, [.. result.Containment])
        {
            // A launcher that could not start the program is the agent's fault, counted by its circuit; the rest is a refusal.
            Refused = result.Refused && AgentCircuitBreakers.FaultOf(result) is null,
        };
    }

    /// <summary>The job's agent; the first time, the best one that meets its requirements, waiting for one if need be.</summary>
    private async Task<string> AssignAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        if (registry.AgentOf(request.JobId) is { } assigned) return assigned;
        // A job's own extra commands (a probe of its server while it runs) go where the job is, taking no slot of their
        // own, unless that agent is away (a lookup for a parked job's message must not wait for a hung agent).
        if (BackgroundJobs.JobCleanupJobs.JobOfRun(request.JobId) is { } job && registry.AgentOf(job) is { } its && registry.IsHealthy(its)) return its;
        var (requirements, demand) = await RequirementsAsync(request.JobId, cancellationToken).ConfigureAwait(false);
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(options.Value.WaitTimeout);
        string? waitingFrom = null;
        try
        {
            while (true)
            {
                var changed = registry.Changed;
                if (registry.TryAssign(request.JobId, requirements, demand) is { } agentId) return agentId;
                var left = deadline - clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    throw new AgentUnavailableException(
                        $"No healthy agent with {requirements} connected within agents.wait_timeout ({options.Value.WaitTimeout:0} s); {registry.ConnectedCount} agents are connected.",
                        AgentUnavailableException.NoAgent);
                }
                if (waitingFrom is null)
                {
                    HubLog.JobWaiting(logger, request.JobId, requirements.ToString());
                    waitingFrom = await EnterWaitingAsync(request, requirements, cancellationToken).ConfigureAwait(false) ?? "";
                }
                await Task.WhenAny(changed, Task.Delay(left < CheckEvery * 4 ? left : CheckEvery * 4, clock, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            if (!string.IsNullOrEmpty(waitingFrom)) await LeaveWaitingAsync(request, waitingFrom).ConfigureAwait(false);
        }
    }

    private async Task<(AgentRequirements Requirements, Admission.JobDemand Demand)> RequirementsAsync(string jobId, CancellationToken cancellationToken)
    {
        // A job's server cleanup needs what the job needed (an agent that reaches its server), but runs after it ended: no slot.
        var ofJob = BackgroundJobs.JobCleanupJobs.JobOfRun(jobId);
        var job = await store.GetInstanceAsync(ofJob ?? jobId, cancellationToken).ConfigureAwait(false);
        if (job is null) return (AgentRequirements.None, default);
        return (AgentRequirements.Of(job.Input), ofJob is null ? Admission.JobDemand.Of(job.Input) : default);
    }

    /// <returns>The stage the job was in, to return to; null when it was not moved.</returns>
    private static Task<string?> EnterWaitingAsync(CommandRequest request, AgentRequirements requirements, CancellationToken cancellationToken) =>
        request.Waits?.EnterAsync(WaitingStage, $"no healthy agent with {requirements}", cancellationToken) ?? Task.FromResult<string?>(null);

    private Task LeaveWaitingAsync(CommandRequest request, string stage) =>
        request.Waits?.LeaveAsync(WaitingStage, stage, registry.AgentOf(request.JobId) is { } agent ? $"agent {agent} took the job" : "stopped waiting for an agent", CancellationToken.None)
        ?? Task.CompletedTask;
}
