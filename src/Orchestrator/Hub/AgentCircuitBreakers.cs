using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Hub;

/// <summary>Told when an agent's circuit opens or closes (the host's metrics); called on the command's thread, so it must be quick.</summary>
public interface IAgentCircuitObserver
{
    void AgentCircuitChanged(string agentId, bool open);
}

/// <summary>What a command on an agent came to, and why it was the agent's failure (null: it was not).</summary>
public sealed record AgentAnswer(CommandRun Result, string? AgentFault);

/// <summary>
/// One Polly circuit breaker per agent id (agents.circuit_breaker), counting the agent's own failures, not the
/// command's: a launch its launcher refused ("not started: ...") or a program on its allow-list it could not start,
/// and a command it sent no result for within the command's timeout. A p4 that exits non-zero, a command that ran
/// out of its own timeout on the agent, or a command refused by the agent's policy (allow-list, environment) says
/// nothing about the agent and counts as a success. While an agent's circuit is open it gets no new job (TryAssign
/// passes it over); jobs already on it keep sending it their commands, which are counted all the same. After the
/// break it may get the next job; that job's first command is the trial, and an answered one closes the circuit.
/// </summary>
public sealed partial class AgentCircuitBreakers(IOptions<AgentsOptions> options, IEnumerable<IAgentCircuitObserver> observers, TimeProvider clock, ILogger<AgentCircuitBreakers> logger) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    /// <summary>Agents whose circuit opened and has not closed, with the end of their break.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _open = new(StringComparer.Ordinal);

    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half-open";

    /// <summary>The agent's failure in a result it sent; null when the result says nothing against the agent.</summary>
    public static string? FaultOf(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // The agent's launcher stopped before the program (CommandRunner's LaunchFailed).
        if (result.Refused && result.Error.StartsWith("not started: ", StringComparison.Ordinal)) return result.Error;
        // A program on its allow-list that it cannot start: the agent's installation, not the job.
        if (!result.Refused && result.ExitCode == 127 && result.Error.StartsWith("could not start '", StringComparison.Ordinal)) return result.Error;
        return null;
    }

    /// <summary>Runs one command on the agent, counting its outcome; a job already on an agent whose circuit is open still runs there.</summary>
    public async Task<CommandRun> RunAsync(string agentId, Func<CancellationToken, Task<AgentAnswer>> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settings = options.Value.CircuitBreaker;
        if (!settings.Enabled) return (await command(cancellationToken).ConfigureAwait(false)).Result;
        var pipeline = _registry.GetOrAddPipeline<AgentAnswer>(agentId, builder =>
        {
            builder.TimeProvider = clock;
            builder.AddCircuitBreaker(Breaker(agentId, settings));
        });
        try
        {
            return (await pipeline.ExecuteAsync(async token => await command(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)).Result;
        }
        catch (BrokenCircuitException)
        {
            // Not run by Polly: the job's workspace is on this agent, so its command goes there anyway.
            return (await command(cancellationToken).ConfigureAwait(false)).Result;
        }
    }

    /// <summary>closed, open (no new jobs until <c>Until</c>) or half-open (the break is over; the next job may try it).</summary>
    public (string State, DateTimeOffset? Until) StateOf(string agentId)
    {
        if (!_open.TryGetValue(agentId, out var until)) return (Closed, null);
        return clock.GetUtcNow() < until ? (Open, until) : (HalfOpen, null);
    }

    /// <summary>May the agent be given a new job: its circuit is closed, or its break is over.</summary>
    public bool Admits(string agentId) => StateOf(agentId).State != Open;

    public void Dispose() => _registry.Dispose();

    private CircuitBreakerStrategyOptions<AgentAnswer> Breaker(string agentId, P4Flow.Activities.Perforce.P4CircuitBreakerOptions settings)
    {
        var breaker = settings.Strategy<AgentAnswer>();
        // Exceptions (the job ended, the agent was lost) are not the agent's answer; AGENT_LOST has its own grace.
        breaker.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.AgentFault is not null);
        breaker.OnOpened = args =>
        {
            _open[agentId] = clock.GetUtcNow() + args.BreakDuration;
            HubLog.AgentCircuitOpened(logger, agentId, args.BreakDuration.TotalSeconds, args.Outcome.Result?.AgentFault ?? "");
            Notify(agentId, open: true);
            return default;
        };
        breaker.OnHalfOpened = _ =>
        {
            HubLog.AgentCircuitHalfOpened(logger, agentId);
            return default;
        };
        breaker.OnClosed = _ =>
        {
            _open.TryRemove(agentId, out DateTimeOffset _);
            HubLog.AgentCircuitClosed(logger, agentId);
            Notify(agentId, open: false);
            return default;
        };
        return breaker;
    }

    private void Notify(string agentId, bool open)
    {
        foreach (var observer in observers) observer.AgentCircuitChanged(agentId, open);
    }
}
