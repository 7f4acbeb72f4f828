using System.Diagnostics;
using P4Flow.Activities.Commands;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Every command a job sends, whichever runner runs it, lands in logs/commands.jsonl and in the command metrics.
/// Only the program and subcommand are logged: arguments can carry paths and descriptions, never secrets, but stay out.
/// </summary>
internal sealed class ObservedCommandDispatcher(ICommandDispatcher inner, CommandLog log, P4FlowMetrics metrics) : ICommandDispatcher
{
    public async Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var metadata = new Dictionary<string, object?> { ["command"] = Describe(request.Args) };
        try
        {
            var result = await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
            var outcome = result.TimedOut ? "timeout" : result.ExitCode == 0 ? "success" : "failed";
            metadata["exit_code"] = result.ExitCode;
            // duration_ms is the process as its runner timed it; this is the whole dispatch as the job waited for it.
            metadata["round_trip_ms"] = Math.Round(clock.Elapsed.TotalMilliseconds, 3);
            if (result.Containment is { Count: > 0 } containment) metadata["containment"] = string.Join(',', containment);
            log.Write(new CommandLogEntry(result.TimedOut ? CommandEvents.TimedOut : result.ExitCode == 0 ? CommandEvents.Completed : CommandEvents.Failed, request.JobId, result.CmdId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                AgentId = result.AgentId,
                Stage = request.Stage,
                DurationMs = result.Duration.TotalMilliseconds,
                Error = result.ExitCode == 0 ? null : $"exit code {result.ExitCode}",
                Metadata = metadata,
            });
            metrics.CommandCompleted(request.Stage, outcome, result.TimedOut ? "TIMEOUT" : null, result.Duration);
            return result;
        }
        catch (JobFailedException ex)
        {
            log.Write(new CommandLogEntry(CommandEvents.Failed, request.JobId, null) { Stage = request.Stage, DurationMs = clock.Elapsed.TotalMilliseconds, Error = $"{ex.ErrorClass}: {ex.Message}", Metadata = metadata });
            metrics.CommandCompleted(request.Stage, "failed", ex.ErrorClass, clock.Elapsed);
            throw;
        }
        catch (OperationCanceledException)
        {
            log.Write(new CommandLogEntry(CommandEvents.Cancelled, request.JobId, null) { Stage = request.Stage, DurationMs = clock.Elapsed.TotalMilliseconds, Metadata = metadata });
            metrics.CommandCompleted(request.Stage, "cancelled", null, clock.Elapsed);
            throw;
        }
    }

    // "p4 resolve" from ["p4", "-ztag", "-Mj", "-p", PORT, ..., "resolve", "-am"]: the program and its first word that is not an option or its value.
    private static string Describe(IReadOnlyList<string> args)
    {
        var program = Path.GetFileName(args.Count > 0 ? args[0] : "");
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] is "-p" or "-u" or "-c" or "-d" or "-z") { i++; continue; }
            if (!args[i].StartsWith('-')) return $"{program} {args[i]}";
        }
        return program;
    }
}
