using System.Diagnostics;
using System.Text.Json.Nodes;
using P4Flow.Cli.Api;
using Spectre.Console;

namespace P4Flow.Cli.Output;

/// <summary>
/// Follows a job until it ends or parks: each stage it enters on its own line as it happens (under a spinner in a
/// terminal), then the outcome, the fault, or the conflicts waiting for a person. The exit code says which.
/// </summary>
internal sealed class JobWatch(CliContext context, ApiClient api)
{
    public const string NeedsResolve = "NEEDS_RESOLVE";

    public async Task<int> FollowAsync(string jobId, TimeSpan interval, TimeSpan timeout, bool json, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var shown = 0;
        JsonNode job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        async Task<JsonNode> Loop(Action<string> status)
        {
            while (true)
            {
                shown = Print(job, shown, json);
                if (Ended(job)) return job;
                if (waited.Elapsed >= timeout) throw new CliException(ExitCodes.TimedOut, $"job {jobId} is still {Describe(job)} after {timeout.TotalSeconds:0} s (--timeout); `p4flow jobs watch {jobId}` follows it again.");
                status($"{jobId}: {Describe(job)} ({waited.Elapsed:mm\\:ss})");
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            }
        }
        if (!json && context.Console.Profile.Capabilities.Interactive)
            job = await context.Console.Status().StartAsync($"{jobId}: {Describe(job)}", ctx => Loop(s => ctx.Status(Markup.Escape(s)))).ConfigureAwait(false);
        else
            job = await Loop(_ => { }).ConfigureAwait(false);
        return await FinishAsync(job, json, cancellationToken).ConfigureAwait(false);
    }

    public static bool Ended(JsonNode job) => Status(job) is "Finished" or "Faulted" or "Cancelled" || Stage(job) == NeedsResolve;

    /// <summary>The exit code for a job as it stands: see <see cref="ExitCodes"/>.</summary>
    public static int ExitCode(JsonNode job) => Stage(job) == NeedsResolve ? ExitCodes.NeedsResolve : Status(job) switch
    {
        "Finished" => ExitCodes.Ok,
        "Cancelled" => ExitCodes.Cancelled,
        "Faulted" => ExitCodes.JobFailed,
        _ => ExitCodes.Ok,
    };

    private async Task<int> FinishAsync(JsonNode job, bool json, CancellationToken cancellationToken)
    {
        var id = job["id"]?.ToString() ?? "";
        var parked = Stage(job) == NeedsResolve;
        JsonNode? conflicts = null;
        if (parked)
        {
            try
            {
                conflicts = await api.GetAsync($"/api/jobs/{Uri.EscapeDataString(id)}/conflicts", cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex) when (ex.ExitCode is ExitCodes.Rejected or ExitCodes.Unreachable)
            {
                // The workspace could not be read just now (its agent is away): the job's own record of them will do.
                conflicts = job["conflicts"]?.DeepClone();
            }
        }
        if (json)
        {
            if (conflicts is not null) job["conflictFiles"] = conflicts;
            context.WriteJson(job);
            return ExitCode(job);
        }
        if (parked)
        {
            context.Console.MarkupLine($"[yellow]{Markup.Escape(id)} waits in NEEDS_RESOLVE:[/] conflicts to settle.");
            JobTables.Conflicts(context.Console, conflicts);
            context.Console.WriteLine($"Settle them on the job's page ({api.Profile.Server}/jobs/{id}) or in its workspace, then run: p4flow jobs continue {id} --wait");
        }
        else
        {
            var status = Status(job);
            var color = status == "Finished" ? "green" : status == "Cancelled" ? "grey" : "red";
            context.Console.MarkupLine($"[{color}]{Markup.Escape(id)} {Markup.Escape(Stage(job) ?? status ?? "")}[/]");
            if (job["fault"] is JsonObject fault)
                context.Console.WriteLine($"  {fault["errorClass"]?.ToString() ?? "error"}{(fault["activityId"] is { } a ? $" in {a}" : "")}: {fault["message"]}");
        }
        return ExitCode(job);
    }

    private Task<JsonNode> GetAsync(string jobId, CancellationToken cancellationToken) => api.GetAsync($"/api/jobs/{Uri.EscapeDataString(jobId)}", cancellationToken);

    /// <returns>How many stage changes are shown now.</returns>
    private int Print(JsonNode job, int shown, bool json)
    {
        if (job["history"] is not JsonArray history) return shown;
        for (var i = shown; i < history.Count; i++)
        {
            if (json) continue;
            var change = history[i]!;
            var reason = change["reason"]?.ToString() is { Length: > 0 } r ? $"  {r}" : "";
            context.Console.WriteLine($"{CliContext.Time(change["enteredAt"])}  {change["stage"],-18}{reason}");
        }
        return history.Count;
    }

    private static string? Status(JsonNode job) => job["status"]?.ToString();

    private static string? Stage(JsonNode job) => job["stage"]?.ToString();

    private static string Describe(JsonNode job) => Stage(job) is { Length: > 0 } stage ? stage : Status(job) ?? "";
}
