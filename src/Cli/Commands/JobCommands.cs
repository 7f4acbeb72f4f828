using System.CommandLine;
using System.Text.Json.Nodes;
using P4Flow.Cli.Output;
using Spectre.Console;
using static P4Flow.Cli.Commands.CommandExtensions;

namespace P4Flow.Cli.Commands;

/// <summary>`run` and `jobs list|show|watch|continue|settle|cancel|retry`.</summary>
internal static class JobCommands
{
    private static readonly Option<bool> Wait = new("--wait", "-w") { Description = "Follow the job's stages until it ends or parks; the exit code says how it ended" };
    private static readonly Option<double> Interval = new("--interval") { Description = "Seconds between looks at the job while following it", DefaultValueFactory = _ => 1 };
    private static readonly Option<double> Timeout = new("--timeout") { Description = "Give up following after this many seconds (exit code 8); the job goes on", DefaultValueFactory = _ => 86400 };

    public static Command Run(CliContext context)
    {
        var workflow = new Argument<string>("workflow") { Description = "The workflow to run (its id, e.g. p4-integrate)" };
        var inputs = new Option<string[]>("--input", "-i") { Description = "An input: name=text, or name:=json for a number, true/false or a list; repeat for more", AllowMultipleArgumentsPerToken = false };
        var inputFile = new Option<FileInfo>("--input-file") { Description = "A JSON object of inputs; --input adds to or overrides it" };
        return new Command("run", "Start a job of a published workflow").With(workflow, inputs, inputFile, Wait, Interval, Timeout).Runs(context, async (result, ct) =>
        {
            var input = RunInputs.Parse(result.GetValue(inputs) ?? [], result.GetValue(inputFile));
            using var api = context.Api();
            var accepted = await api.PostAsync($"/api/workflow-definitions/{Segment(result.GetRequiredValue(workflow))}/runs", input, ct).ConfigureAwait(false);
            return await StartedAsync(context, api, result, accepted, ct).ConfigureAwait(false);
        });
    }

    public static Command Jobs(CliContext context)
    {
        var id = new Argument<string>("job") { Description = "The job's id" };
        var status = new Option<string>("--status") { Description = "Only jobs in this status: Pending, Running, Suspended, Finished, Faulted, Cancelled" };
        var stage = new Option<string>("--stage") { Description = "Only jobs in this stage, e.g. NEEDS_RESOLVE" };
        var workflow = new Option<string>("--workflow") { Description = "Only jobs of this workflow" };
        var page = new Option<int>("--page") { Description = "The page to show, from 1", DefaultValueFactory = _ => 1 };
        var pageSize = new Option<int>("--limit", "-n") { Description = "Jobs a page (at most 500)", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "Jobs, newest first").With(status, stage, workflow, page, pageSize).Shows(context, result =>
        {
            var query = new List<string> { $"page={result.GetValue(page)}", $"pageSize={result.GetValue(pageSize)}" };
            if (result.GetValue(status) is { } s) query.Add($"status={Uri.EscapeDataString(s)}");
            if (result.GetValue(stage) is { } st) query.Add($"stage={Uri.EscapeDataString(st)}");
            if (result.GetValue(workflow) is { } w) query.Add($"definitionId={Uri.EscapeDataString(w)}");
            return $"/api/jobs?{string.Join('&', query)}";
        }, JobTables.Jobs);

        var show = new Command("show", "A job: its stages, inputs, fault or conflicts; the exit code says where it stands").With(id).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var job = await api.GetAsync($"/api/jobs/{Segment(result.GetRequiredValue(id))}", ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(job);
            else JobTables.Job(context.Console, job);
            return JobWatch.Ended(job) ? JobWatch.ExitCode(job) : ExitCodes.Ok;
        });

        var watch = new Command("watch", "Follow a job's stages until it ends or parks").With(id, Interval, Timeout).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            return await Follow(context, api, result, result.GetRequiredValue(id), ct).ConfigureAwait(false);
        });

        var @continue = new Command("continue", "For a job in NEEDS_RESOLVE: check its workspace and move it on once no conflict is left")
            .With(id, Wait, Interval, Timeout).Runs(context, async (result, ct) =>
            {
                var jobId = result.GetRequiredValue(id);
                using var api = context.Api();
                JsonNode check;
                try
                {
                    check = await api.PostAsync($"/api/jobs/{Segment(jobId)}/continue", null, ct).ConfigureAwait(false);
                }
                catch (CliException refused) when (refused.ExitCode == ExitCodes.Rejected)
                {
                    // The ResolveWatcher may have seen the workspace resolved first: then the job has gone on already.
                    var job = await api.GetAsync($"/api/jobs/{Segment(jobId)}", ct).ConfigureAwait(false);
                    var parked = job["history"]?.AsArray().Any(h => h?["stage"]?.ToString() == JobWatch.NeedsResolve) == true;
                    if (!parked || job["stage"]?.ToString() == JobWatch.NeedsResolve || job["status"]?.ToString() is "Faulted" or "Cancelled") throw;
                    if (result.GetValue(Wait)) return await Follow(context, api, result, jobId, ct).ConfigureAwait(false);
                    if (result.GetValue(Json)) context.WriteJson(job);
                    else context.Console.WriteLine($"{jobId} is past NEEDS_RESOLVE already (stage {job["stage"]}).");
                    return ExitCodes.Ok;
                }
                if (check["conflictsResolved"]?.GetValue<bool>() != true)
                {
                    if (result.GetValue(Json)) context.WriteJson(check);
                    else
                    {
                        context.Console.WriteLine($"{jobId} still has {check["remainingConflicts"]} conflict(s) to settle:");
                        JobTables.Conflicts(context.Console, check["conflictFiles"]);
                    }
                    return ExitCodes.NeedsResolve;
                }
                if (result.GetValue(Wait)) return await Follow(context, api, result, jobId, ct).ConfigureAwait(false);
                if (result.GetValue(Json)) context.WriteJson(check);
                else context.Console.WriteLine($"{jobId}: no conflicts left; the job goes on.");
                return ExitCodes.Ok;
            });

        var file = new Argument<string>("file") { Description = "The conflicted file's depot path, e.g. //depot/rel/conflict.c" };
        var theirs = new Option<bool>("--theirs") { Description = "Take the source branch's version (p4 resolve -at)" };
        var yours = new Option<bool>("--yours") { Description = "Keep the target branch's version (p4 resolve -ay)" };
        var merged = new Option<FileInfo>("--merged") { Description = "Use this file's text as the merge (no conflict markers left in it)" };
        var settle = new Command("settle", "For a job in NEEDS_RESOLVE: settle one conflicted file without a workspace; the job moves on once none is left")
            .With(id, file, theirs, yours, merged).Runs(context, async (result, ct) =>
            {
                var chosen = new[] { result.GetValue(theirs) ? "theirs" : null, result.GetValue(yours) ? "yours" : null, result.GetValue(merged) is null ? null : "edit" }.OfType<string>().ToList();
                if (chosen.Count != 1) throw new CliException(ExitCodes.Usage, "give exactly one of --theirs, --yours or --merged FILE.");
                var body = new JsonObject { ["file"] = result.GetRequiredValue(file), ["choice"] = chosen[0] };
                if (result.GetValue(merged) is { } text)
                {
                    if (!text.Exists) throw new CliException(ExitCodes.Usage, $"--merged {text.FullName} does not exist.");
                    body["merged"] = await File.ReadAllTextAsync(text.FullName, ct).ConfigureAwait(false);
                }
                var jobId = result.GetRequiredValue(id);
                using var api = context.Api();
                var check = await api.PostAsync($"/api/jobs/{Segment(jobId)}/conflicts/settle", body, ct).ConfigureAwait(false);
                if (result.GetValue(Json)) context.WriteJson(check);
                else if (check["conflictsResolved"]?.GetValue<bool>() == true) context.Console.WriteLine($"{jobId}: {body["file"]} settled ({chosen[0]}); no conflicts left, the job goes on.");
                else context.Console.WriteLine($"{jobId}: {body["file"]} settled ({chosen[0]}); {check["remainingConflicts"]} conflict(s) left.");
                return ExitCodes.Ok;
            });

        var reason = new Option<string>("--reason") { Description = "Why, for the job's record and the audit log" };
        var cancel = new Command("cancel", "Cancel a job").With(id, reason).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var body = result.GetValue(reason) is { } r ? new JsonObject { ["reason"] = r } : null;
            var job = await api.PostAsync($"/api/jobs/{Segment(result.GetRequiredValue(id))}/cancel", body, ct).ConfigureAwait(false);
            if (result.GetValue(Json)) context.WriteJson(job);
            else context.Console.WriteLine($"{job["id"]}: {job["status"]}");
            return ExitCodes.Ok;
        });

        var retry = new Command("retry", "Start a new job of the same workflow with the same inputs").With(id, Wait, Interval, Timeout).Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var accepted = await api.PostAsync($"/api/jobs/{Segment(result.GetRequiredValue(id))}/retry", null, ct).ConfigureAwait(false);
            return await StartedAsync(context, api, result, accepted, ct).ConfigureAwait(false);
        });

        return new Command("jobs", "List, follow and act on jobs").With(list, show, watch, @continue, settle, cancel, retry);
    }

    private static async Task<int> StartedAsync(CliContext context, Api.ApiClient api, ParseResult result, JsonNode accepted, CancellationToken ct)
    {
        var jobId = accepted["jobId"]?.ToString() ?? throw new CliException(ExitCodes.Unreachable, "the server accepted the run without naming its job.");
        if (result.GetValue(Wait))
        {
            if (!result.GetValue(Json)) context.Console.WriteLine($"Started {jobId}: {api.Profile.Server}/jobs/{jobId}");
            return await Follow(context, api, result, jobId, ct).ConfigureAwait(false);
        }
        if (result.GetValue(Json)) context.WriteJson(accepted);
        else context.Console.WriteLine($"Started {jobId}: {api.Profile.Server}/jobs/{jobId} (p4flow jobs watch {jobId} follows it)");
        return ExitCodes.Ok;
    }

    private static Task<int> Follow(CliContext context, Api.ApiClient api, ParseResult result, string jobId, CancellationToken ct)
    {
        var interval = result.GetValue(Interval);
        var timeout = result.GetValue(Timeout);
        if (interval is < 0.1 or > 3600) throw new CliException(ExitCodes.Usage, "--interval must be between 0.1 and 3600 seconds.");
        if (timeout is <= 0 or > 30 * 86400) throw new CliException(ExitCodes.Usage, "--timeout must be between 1 second and 30 days.");
        return new JobWatch(context, api).FollowAsync(jobId, TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(timeout), result.GetValue(Json), ct);
    }
}
