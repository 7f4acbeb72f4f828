using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// What a clean merge copies into the job's workspace: p4-integrate main -> rel on a branch of many files with a few
/// changed, once with input virtual (sync -k #0, integrate -v: only the files a resolve needs) and once classic (the
/// whole target synced first). A real orchestrator with commands.runner local runs the jobs one at a time, the two
/// paths alternating so a change in the machine's load falls on both. Bytes come from the simulator's own count of
/// workspace writes, taken across each job only (the developer's edits between jobs are outside it).
/// </summary>
internal static class TransferBenchmark
{
    private sealed record Job(bool Virtual, long Files, long Bytes, double WallMs, double ClientMs, double SyncMs, double P4Ms);

    public static async Task<int> RunAsync(int files, int changed, int count)
    {
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        var setup = Stopwatch.StartNew();
        using var depot = await TransferDepot.CreateAsync(files, changed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"depot: {files} files on main, branched to rel, in {setup.Elapsed.TotalSeconds:0.0} s; {changed} changed on main before each job"));

        var home = OrchestratorProcess.CreateHome();
        // The local runner hands its own environment to p4: every write the jobs make lands in this log as well.
        var writeLog = Path.Combine(home, "workspace-writes.log");
        var environment = new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "local",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__allow_job_ports"] = "true",
            ["P4FLOW_perforce__user"] = "p4flow",
            ["P4SIM_WORKSPACE_LOG"] = writeLog,
        };
        try
        {
            await using var orchestrator = OrchestratorProcess.Start(home, environment: environment);
            await orchestrator.WaitReadyAsync();
            // The first job pays for JIT, first connections and the first SQLite pages: shown, not counted.
            Print("warm-up", await MeasureAsync(orchestrator, depot, writeLog, isVirtual: true));
            var jobs = new List<Job>(2 * count);
            for (var i = 1; i <= count; i++)
            {
                foreach (var isVirtual in new[] { true, false })
                {
                    var job = await MeasureAsync(orchestrator, depot, writeLog, isVirtual);
                    jobs.Add(job);
                    Print(i.ToString(CultureInfo.InvariantCulture), job);
                }
            }
            Report(jobs, files, changed);
        }
        finally
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp folder is cleaned some other day.
            }
        }
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        return 0;
    }

    /// <summary>A fresh change on main, then one job to its end; the workspace writes counted across the job alone.</summary>
    private static async Task<Job> MeasureAsync(OrchestratorProcess orchestrator, TransferDepot depot, string writeLog, bool isVirtual)
    {
        var edited = await depot.ChangeMainAsync();
        var before = depot.Writes();
        var logFrom = File.Exists(writeLog) ? new FileInfo(writeLog).Length : 0;
        var clock = Stopwatch.StartNew();
        var job = await IntegrationBenchmark.RunJobAsync(orchestrator, new JsonObject
        {
            ["source"] = "//depot/main/...",
            ["target"] = "//depot/rel/...",
            ["description"] = $"Transfer bench ({(isVirtual ? "virtual" : "classic")})",
            ["p4port"] = depot.Depot.Root,
            ["virtual"] = isVirtual,
        }, TimeSpan.FromMinutes(15));
        var clientMs = clock.Elapsed.TotalMilliseconds;
        var after = depot.Writes();
        var jobId = job["id"]!.GetValue<string>();

        // The log must tell the same story as the counter, or something else wrote during the job.
        var (logFiles, logBytes, strangers) = LoggedWrites(writeLog, logFrom, jobId);
        if (logFiles != after.Files - before.Files || logBytes != after.Bytes - before.Bytes || strangers > 0)
            Console.WriteLine($"  note: job {jobId}: depot.json counted {after.Files - before.Files} files / {after.Bytes - before.Bytes} bytes, its workspace log {logFiles} / {logBytes}, {strangers} writes outside its workspace");
        await CheckSubmittedAsync(depot, job, edited);
        // Its server cleanup (revert -k, client -d) writes nothing, but would run beside the next job's commands.
        await Eventually.Until(() => orchestrator.Client.GetFromJsonAsync<JsonObject>(new Uri($"/api/jobs/{jobId}", UriKind.Relative)),
            j => j!["cleanup"]?["status"]?.GetValue<string>() == "DONE", TimeSpan.FromMinutes(2), $"job {jobId}'s cleanup");

        var run = IntegrationRun.From(job, await IntegrationBenchmark.CommandsOfAsync(orchestrator, jobId));
        return new Job(isVirtual, after.Files - before.Files, after.Bytes - before.Bytes, run.WallMs, clientMs,
            run.Activities.Where(a => a.Id == "sync").Sum(a => a.DurationMs), run.P4Ms);
    }

    /// <summary>The log's lines since <paramref name="from"/>: writes into the job's folder, and how many went anywhere else.</summary>
    private static (long Files, long Bytes, int Strangers) LoggedWrites(string writeLog, long from, string jobId)
    {
        if (!File.Exists(writeLog)) return (0, 0, 0);
        using var stream = new FileStream(writeLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        long files = 0, bytes = 0;
        var strangers = 0;
        while (reader.ReadLine() is { } line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (!line[(space + 1)..].Contains($"/{jobId}/", StringComparison.Ordinal))
            {
                strangers++;
                continue;
            }
            files++;
            bytes += long.Parse(line[..space], CultureInfo.InvariantCulture);
        }
        return (files, bytes, strangers);
    }

    /// <summary>The submitted change holds exactly the edited files, and rel now has main's content: the path saved no work it owed.</summary>
    private static async Task CheckSubmittedAsync(TransferDepot depot, JsonObject job, IReadOnlyList<(string Path, string Content)> edited)
    {
        var change = job["result"]!["change"]!.ToString();
        var described = await depot.Depot.RunAsync("-ztag", "describe", "-s", change);
        var files = described.Split('\n').Count(l => l.StartsWith("... depotFile", StringComparison.Ordinal));
        var (path, content) = edited[0];
        var printed = await depot.Depot.RunAsync("print", "-q", "//depot/rel/" + path);
        if (files != edited.Count || printed.ReplaceLineEndings("\n").TrimEnd() != content.TrimEnd())
            throw new InvalidOperationException($"change {change} of job {job["id"]} holds {files} files (expected {edited.Count}); //depot/rel/{path} reads:\n{printed}\ndescribe:\n{described}");
    }

    private static void Print(string label, Job job) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"[{(job.Virtual ? "virtual" : "classic")}] {label,7}: wrote {job.Files,6} files {job.Bytes,10} bytes  wall {job.WallMs / 1000,7:0.00} s (client {job.ClientMs / 1000,7:0.00} s)  sync activity {job.SyncMs / 1000,6:0.00} s  p4 {job.P4Ms / 1000,6:0.00} s"));

    private static void Report(List<Job> jobs, int files, int changed)
    {
        var ci = CultureInfo.InvariantCulture;
        var perPath = jobs.Count / 2;
        Console.WriteLine();
        Console.WriteLine($"== workspace transfer per job: {files} files in //depot/rel/..., {changed} changed (clean merges), {perPath} jobs per path (median / max) ==");
        Console.WriteLine("path       files written      bytes written          job wall s      client wall s   sync activity s");
        foreach (var isVirtual in new[] { true, false })
        {
            var of = jobs.Where(j => j.Virtual == isVirtual).ToList();
            Console.WriteLine(string.Create(ci,
                $"{(isVirtual ? "virtual" : "classic"),-8} {Pair(of.Select(j => (double)j.Files), "0"),16} {Pair(of.Select(j => (double)j.Bytes), "0"),18} {Pair(of.Select(j => j.WallMs / 1000), "0.00"),17} {Pair(of.Select(j => j.ClientMs / 1000), "0.00"),18} {Pair(of.Select(j => j.SyncMs / 1000), "0.00"),17}"));
        }
        var v = jobs.Where(j => j.Virtual).ToList();
        var c = jobs.Where(j => !j.Virtual).ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(ci,
            $"conclusion: virtual wrote {Median(v.Select(j => (double)j.Bytes)):0} bytes ({Median(v.Select(j => (double)j.Files)):0} files) vs classic {Median(c.Select(j => (double)j.Bytes)):0} bytes ({Median(c.Select(j => (double)j.Files)):0} files) per job; wall time {Median(v.Select(j => j.WallMs)) / 1000:0.00} s vs {Median(c.Select(j => j.WallMs)) / 1000:0.00} s (medians)"));
    }

    private static string Pair(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        return $"{Median(list).ToString(format, CultureInfo.InvariantCulture)} / {list.Max().ToString(format, CultureInfo.InvariantCulture)}";
    }

    /// <summary>The middle value; of an even count, the mean of the two middle ones.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
