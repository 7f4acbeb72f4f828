using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce;

/// <summary>
/// Builds and sends the p4 commands of one job: always tagged JSON output, always the job's own workspace,
/// on the server the job's `p4port` input names or else the configured one, through that server's circuit breaker.
/// </summary>
public sealed class P4Client(ICommandDispatcher dispatcher, IOptions<PerforceOptions> options, P4CircuitBreakers breakers)
{
    public const string PortInput = "p4port";

    public PerforceOptions Options => options.Value;

    /// <param name="waits">The job's door to a waiting stage while no agent can take the command (see <see cref="IJobWaits"/>).</param>
    public async Task<P4Output> RunAsync(WorkflowInstance job, string? stage, IJobWaits waits, IEnumerable<string> command, string? stdin, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var jobId = job.Id;
        var port = job.Input[PortInput] is JsonValue given && given.TryGetValue<string>(out var p) && !string.IsNullOrWhiteSpace(p) ? p : settings.Port;
        if (port.StartsWith('-')) throw new ActivityInputException(PortInput, $"Input '{PortInput}' must be a P4PORT, not an option (got '{port}').");
        List<string> args = ["p4", "-ztag", "-Mj", "-p", port, "-u", settings.User, "-c", settings.ClientFor(jobId), .. command];
        args[0] = settings.Executable;
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["P4CONFIG"] = "", ["P4CHARSET"] = "none" };
        var request = new CommandRequest(jobId, stage, args, env, settings.TimeoutFor(stage), stdin, waits);
        // The server's circuit breaker may refuse to send it: see P4CircuitBreakers.
        return await breakers.RunAsync(port, async token => P4Output.Parse(await dispatcher.RunAsync(request, token).ConfigureAwait(false)), cancellationToken).ConfigureAwait(false);
    }
}
