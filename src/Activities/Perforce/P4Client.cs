using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce.Servers;
using P4Flow.Protocol;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce;

/// <summary>Where a p4 command goes: which server, in which client workspace, for which job's folder and agent.</summary>
public sealed record P4Target(P4Server Server, string Client, string JobId)
{
    /// <summary>The job's stage budget its commands share (null: each command gets the stage's timeout alone).</summary>
    public StageBudget? Budget { get; init; }
}

/// <summary>
/// Builds and sends the p4 commands of one job: always tagged JSON output, always the job's own workspace, on the
/// server the job's `server` input names (else the default one), through that server's circuit breaker. It keeps the
/// connection usable the way a careful person would: trusts an ssl: server only with its configured fingerprint, logs
/// in again once when the ticket has expired, and tries the backup port when the server cannot be reached (the backup
/// first once the P4_SERVER_DOWN playbook has switched the server to it: <see cref="P4ServerStatus"/>).
/// </summary>
public sealed class P4Client(
    ICommandDispatcher dispatcher,
    IOptions<PerforceOptions> options,
    P4CircuitBreakers breakers,
    P4Logins logins,
    IEnumerable<IP4SecurityObserver> observers,
    P4ServerStatus? status = null,
    IEnumerable<IP4ServerObserver>? serverObservers = null,
    TimeProvider? clock = null)
{
    private readonly P4ServerStatus _status = status ?? new P4ServerStatus();
    private readonly IP4ServerObserver[] _serverObservers = serverObservers?.ToArray() ?? [];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const string ServerInput = "server";
    /// <summary>A raw P4PORT, taken only where perforce.allow_job_ports is on.</summary>
    public const string PortInput = "p4port";

    public PerforceOptions Options => options.Value;

    /// <summary>The server the job names, else the default; an unknown name is the caller's mistake.</summary>
    /// <exception cref="ActivityInputException">The job's server input names no configured server.</exception>
    public P4Server ServerOf(WorkflowInstance job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var name = Text(job, ServerInput);
        if (Text(job, PortInput) is { } port)
        {
            if (!options.Value.AllowJobPorts) throw new ActivityInputException(PortInput, $"Input '{PortInput}' is refused: this orchestrator takes Perforce servers by name only (perforce.allow_job_ports is off).");
            var template = options.Value.ServerFor(name)?.Options ?? new PerforceServerOptions();
            // Named by a hash of the port, so each throwaway server has its own tickets and trust files.
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(port)))[..12];
            return new P4Server($"port-{hash}", new PerforceServerOptions { Port = port, User = template.User, Charset = template.Charset });
        }
        return options.Value.ServerFor(name) ?? throw new ActivityInputException(ServerInput,
            $"Input '{ServerInput}' names '{name}', which is not one of perforce.servers ({string.Join(", ", options.Value.ServerNames)}).");
    }

    private static string? Text(WorkflowInstance job, string input) =>
        job.Input[input] is JsonValue given && given.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    public P4Target TargetOf(WorkflowInstance job) => new(ServerOf(job), options.Value.ClientFor(job.Id), job.Id);

    /// <param name="waits">The job's door to a waiting stage while no agent can take the command (see <see cref="IJobWaits"/>).</param>
    /// <param name="budget">The activity's own budget for its stage, in seconds, over perforce.stage_timeouts.</param>
    public Task<P4Output> RunAsync(WorkflowInstance job, string? stage, IJobWaits waits, IEnumerable<string> command, string? stdin, CancellationToken cancellationToken, int? budget = null) =>
        RunAsync(TargetOf(job) with { Budget = StageBudget.Of(job, stage, options.Value, budget) }, stage, waits, [.. command], stdin, cancellationToken);

    public async Task<P4Output> RunAsync(P4Target target, string? stage, IJobWaits? waits, IReadOnlyList<string> command, string? stdin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var ports = _status.PortsOf(target.Server);
        for (var i = 0; ; i++)
        {
            var last = i == ports.Count - 1;
            try
            {
                var output = await RunOnPortAsync(target, ports[i], stage, waits, command, stdin, cancellationToken).ConfigureAwait(false);
                if (P4ErrorClass.Classify(output) != P4ErrorClass.NetworkError) return output;
                Unreachable(target, ports[i]);
                if (last) return output;
            }
            catch (P4CircuitOpenException)
            {
                // The port is known to be down: straight on to the other one.
                Unreachable(target, ports[i]);
                if (last) throw;
            }
        }
    }

    /// <summary>
    /// `p4 info` on one port, through no circuit breaker and with a short timeout: whether the server answers at all
    /// (it needs no login). Run for <paramref name="target"/>'s job, on its agent.
    /// </summary>
    public async Task<P4Output> ProbeAsync(P4Target target, string port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (port.StartsWith('-')) throw new ActivityInputException(ServerInput, $"The port of Perforce server '{target.Server.Name}' must be a P4PORT, not an option (got '{port}').");
        List<string> args = [options.Value.Executable, "-ztag", "-Mj", "-p", port, "-u", target.Server.Options.User, "info"];
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["P4CONFIG"] = "", ["P4CHARSET"] = target.Server.Options.Charset };
        return P4Output.Parse(await dispatcher.RunAsync(new CommandRequest(target.JobId, null, args, env, timeout, null, null), cancellationToken).ConfigureAwait(false));
    }

    private void Unreachable(P4Target target, string port)
    {
        foreach (var observer in _serverObservers) observer.Unreachable(target, port);
    }

    private async Task<P4Output> RunOnPortAsync(P4Target target, string port, string? stage, IJobWaits? waits, IReadOnlyList<string> command, string? stdin, CancellationToken cancellationToken)
    {
        var output = await SendAsync(target, port, stage, waits, command, stdin, secret: false, cancellationToken).ConfigureAwait(false);
        if (P4Auth.NeedsTrust(output))
        {
            var trusted = await TrustAsync(target, port, stage, waits, output, cancellationToken).ConfigureAwait(false);
            if (trusted is not null) return trusted;
            output = await SendAsync(target, port, stage, waits, command, stdin, secret: false, cancellationToken).ConfigureAwait(false);
        }
        if (P4Auth.IdentityChanged(output))
        {
            Observe(o => o.TrustRefused(target.Server.Name, port, target.JobId, output.Text));
            return output;
        }
        if (P4Auth.NeedsLogin(output) && target.Server.Options.Credentials.Configured)
        {
            var refused = await LoginAsync(target, port, stage, waits, output.Result.AgentId, cancellationToken).ConfigureAwait(false);
            if (refused is not null) return refused;
            output = await SendAsync(target, port, stage, waits, command, stdin, secret: false, cancellationToken).ConfigureAwait(false);
        }
        return output;
    }

    /// <summary>Installs the configured fingerprint for an ssl: server met for the first time; the output to fail with when there is none.</summary>
    private async Task<P4Output?> TrustAsync(P4Target target, string port, string? stage, IJobWaits? waits, P4Output refusal, CancellationToken cancellationToken)
    {
        var fingerprint = target.Server.Options.Fingerprint;
        if (string.IsNullOrEmpty(fingerprint))
        {
            Observe(o => o.TrustRefused(target.Server.Name, port, target.JobId, "no fingerprint is configured for this ssl: server"));
            return refusal;
        }
        // -i installs the configured fingerprint without asking the server which key it has: a server presenting any
        // other key is then refused with "IDENTIFICATION HAS CHANGED", never trusted on first use.
        var installed = await SendAsync(target, port, stage, waits, ["trust", "-i", fingerprint], null, secret: false, cancellationToken).ConfigureAwait(false);
        return installed.Failed ? installed : null;
    }

    /// <summary>Logs in once, unless a login is barred just now; the output to fail the command with, or null to rerun it.</summary>
    private async Task<P4Output?> LoginAsync(P4Target target, string port, string? stage, IJobWaits? waits, string? agentId, CancellationToken cancellationToken)
    {
        var server = target.Server;
        var host = agentId ?? "the orchestrator";
        return await logins.OneAtATimeAsync(server.Name, host, async () =>
        {
            // Another job on the same host may have logged in while this command ran.
            var status = await SendAsync(target, port, stage, waits, ["login", "-s"], null, secret: false, cancellationToken).ConfigureAwait(false);
            if (!status.Failed) return null;
            if (logins.TryBegin(server.Name, host) is { } barred) return P4Auth.Refused(status, barred);
            var password = P4Credentials.Read(server.Options.Credentials);
            if (string.IsNullOrEmpty(password)) return P4Auth.Refused(status, $"the password source of Perforce server '{server.Name}' is empty");
            var login = await SendAsync(target, port, stage, waits, ["login"], password + "\n", secret: true, cancellationToken).ConfigureAwait(false);
            if (login.Failed)
            {
                logins.Failed(server.Name);
                Observe(o => o.LoginFailed(server.Name, port, server.Options.User, target.JobId, login.Text));
                return P4Auth.Refused(login, $"p4 login as {server.Options.User} on '{server.Name}' failed");
            }
            Observe(o => o.LoggedIn(server.Name, port, server.Options.User, target.JobId, login.Result.AgentId));
            return null;
        }).ConfigureAwait(false);
    }

    private async Task<P4Output> SendAsync(P4Target target, string port, string? stage, IJobWaits? waits, IReadOnlyList<string> command, string? stdin, bool secret, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var server = target.Server;
        if (port.StartsWith('-')) throw new ActivityInputException(ServerInput, $"The port of Perforce server '{server.Name}' must be a P4PORT, not an option (got '{port}').");
        List<string> args = [settings.Executable, "-ztag", "-Mj", "-p", port, "-u", server.Options.User, "-c", target.Client, .. command];
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["P4CONFIG"] = "",
            ["P4CHARSET"] = server.Options.Charset,
            // The ticket and the trusted fingerprint live in the state folder of the host that runs the command.
            [CommandStateFile.Tickets] = CommandStateFile.For(CommandStateFile.Tickets, server.Name),
            [CommandStateFile.Trust] = CommandStateFile.For(CommandStateFile.Trust, server.Name),
        };
        var timeout = target.Budget?.Remaining(_clock) ?? settings.TimeoutFor(stage);
        var request = new CommandRequest(target.JobId, stage, args, env, timeout, stdin, waits) { SecretStdin = secret };
        // The server's circuit breaker may refuse to send it: see P4CircuitBreakers.
        var output = await breakers.RunAsync(port, async token => P4Output.Parse(await dispatcher.RunAsync(request, token).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
        // Stopped because the stage's budget ran out, not because this one command was slow: no retry can help.
        if (output.Result.TimedOut && target.Budget is { } budget && _clock.GetUtcNow().UtcDateTime >= budget.At - TimeSpan.FromMilliseconds(500))
            throw budget.Spent($"while `p4 {(command.Count > 0 ? command[0] : "")}` ran; it was stopped");
        return output;
    }

    private void Observe(Action<IP4SecurityObserver> tell)
    {
        foreach (var observer in observers) tell(observer);
    }
}
