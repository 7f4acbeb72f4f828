using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;

namespace P4Flow.Activities.Perforce;

/// <summary>Builds and sends the p4 commands of one job: always tagged JSON output, always the job's own workspace.</summary>
public sealed class P4Client(ICommandDispatcher dispatcher, IOptions<PerforceOptions> options)
{
    public PerforceOptions Options => options.Value;

    public async Task<P4Output> RunAsync(string jobId, string? stage, IEnumerable<string> command, string? stdin, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<string> args = ["p4", "-ztag", "-Mj", "-p", settings.Port, "-u", settings.User, "-c", settings.ClientFor(jobId), .. command];
        args[0] = settings.Executable;
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["P4CONFIG"] = "", ["P4CHARSET"] = "none" };
        var request = new CommandRequest(jobId, stage, args, env, settings.TimeoutFor(stage), stdin);
        var result = await dispatcher.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return P4Output.Parse(result);
    }
}
