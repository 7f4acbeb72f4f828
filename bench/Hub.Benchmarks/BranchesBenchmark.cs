using System.Diagnostics;
using System.Globalization;
using P4Flow.Branches.Store;
using P4Flow.TestSupport;
using P4Flow.Workflows.Definitions;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// The integration bot (src/Branches) at 100 edges and 10,000 queued changes. Three figures:
/// <list type="bullet">
/// <item>own: the orchestrator's own time per change, p4 excluded: the real watcher and ledger in this process, on a
/// server and jobs that answer at once (<see cref="BranchesInProcess"/>): the pass that records every change, then
/// the passes until every one is integrated;</item>
/// <item>idle: what the bot's passes cost with every change parked and nothing new, as CPU per pass and the share of
/// one core at the default poll interval (30 s) and at 1 s; with fake jobs, and with the orchestrator's own
/// WorkflowBranchJobs reading each parked job from the engine's real SQLite store;</item>
/// <item>agents: changes integrated per minute by a real orchestrator and 4 real agents on the simulator
/// (<see cref="BranchesAgentsBenchmark"/>).</item>
/// </list>
/// </summary>
internal static class BranchesBenchmark
{
    private const double TargetShare = 0.05;

    public static async Task<int> RunAsync(string what, int edges, int perEdge, int seconds, int passes, string store, int jobKb, int agents)
    {
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()} ({Environment.ProcessorCount} cores, shared with other work)");
        var code = what switch
        {
            "own" => await OwnAsync(edges, perEdge),
            "idle" => await IdleAsync(edges, perEdge, seconds, passes, store, jobKb),
            "agents" => await BranchesAgentsBenchmark.RunAsync(edges, perEdge, agents),
            _ => Usage(),
        };
        Console.WriteLine($"load: {(await ProgramRun.ShellAsync("uptime")).Trim()}");
        return code;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: branches own [--edges 100] [--changes 100] | branches idle [--edges 100] [--changes 100] [--seconds 30] [--passes N] [--store fake|engine|both] [--job-kb 0] | branches agents [--edges 8] [--changes 10] [--agents 4]");
        return 64;
    }

    private static async Task<int> OwnAsync(int edges, int perEdge)
    {
        // The JIT and SQLite's first pages on a small graph first: not counted.
        await MeasureOwnAsync(Math.Min(edges, 5), Math.Min(perEdge, 5), report: false);
        return await MeasureOwnAsync(edges, perEdge, report: true);
    }

    private static async Task<int> MeasureOwnAsync(int edges, int perEdge, bool report)
    {
        var total = edges * perEdge;
        var jobs = new BranchesInProcess.EndingJobs();
        await using var bench = await BranchesInProcess.CreateAsync(edges, jobs, engineStore: false);
        // First look at each edge: its cursor starts at the source's newest change (none yet).
        await bench.PassAsync();
        bench.Server.SubmitRoundRobin(edges, perEdge);
        GC.Collect();

        var record = await bench.PassAsync();
        if (record.Recorded != total) throw new InvalidOperationException($"the first pass recorded {record.Recorded} changes, not {total}");
        var passes = new List<(TimeSpan Wall, TimeSpan Cpu)>();
        // Each edge runs one job at a time and a job ends when next asked: one change per edge per pass.
        while (jobs.Ended < total)
        {
            if (passes.Count > perEdge + 5) throw new InvalidOperationException($"{jobs.Ended} of {total} changes integrated after {passes.Count} passes");
            var pass = await bench.PassAsync();
            passes.Add((pass.Wall, pass.Cpu));
        }
        var statuses = await bench.StatusesAsync();
        if (statuses.GetValueOrDefault(ChangeStatus.Integrated) != total)
            throw new InvalidOperationException($"the ledger has {string.Join(", ", statuses.Select(s => $"{s.Value} {s.Key}"))}, not {total} integrated");
        if (!report) return 0;

        var wall = passes.Aggregate(TimeSpan.Zero, (a, p) => a + p.Wall);
        var cpu = passes.Aggregate(TimeSpan.Zero, (a, p) => a + p.Cpu);
        var slowest = passes.Select((p, i) => (p, i)).MaxBy(x => x.p.Wall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""
            branches own: {{edges}} edges x {{perEdge}} changes = {{total:N0}} changes, in this process (the real BranchWatcher + BranchLedger on SQLite, WAL, in {{Path.GetTempPath()}};
              server and jobs answer at once, so p4 and the jobs' work are excluded; logging off)
              record pass: {{record.Recorded:N0}} recorded (and each edge's first job started): wall {{Ms(record.Wall)}} ms, CPU {{Ms(record.Cpu)}} ms = {{Us(record.Wall, total)}} µs wall, {{Us(record.Cpu, total)}} µs CPU per change
              integrate:   {{passes.Count}} passes until all {{total:N0}} integrated (one change per edge per pass): wall {{wall.TotalSeconds:0.00}} s, CPU {{cpu.TotalSeconds:0.00}} s = {{Us(wall, total)}} µs wall, {{Us(cpu, total)}} µs CPU per change
                           pass wall: first {{Ms(passes[0].Wall)}} ms, median {{Ms(Median(passes.Select(p => p.Wall)))}} ms, last {{Ms(passes[^1].Wall)}} ms; slowest pass #{{slowest.i + 1}}: wall {{Ms(slowest.p.Wall)}} ms (CPU {{Ms(slowest.p.Cpu)}} ms)
              own time per change, record + integrate: {{Us(record.Wall + wall, total)}} µs wall, {{Us(record.Cpu + cpu, total)}} µs CPU (process CPU: GC and the JIT's background tiers included)
            """));
        return 0;
    }

    private static async Task<int> IdleAsync(int edges, int perEdge, int seconds, int maxPasses, string store, int jobKb)
    {
        var code = 0;
        foreach (var kind in store == "both" ? ["fake", "engine"] : new[] { store })
            code |= await MeasureIdleAsync(edges, perEdge, seconds, maxPasses, kind == "engine", jobKb);
        return code;
    }

    private static async Task<int> MeasureIdleAsync(int edges, int perEdge, int seconds, int maxPasses, bool engine, int jobKb)
    {
        var total = edges * perEdge;
        await using var bench = await BranchesInProcess.CreateAsync(edges, new BranchesInProcess.ParkedJobs(), engine);
        var seeding = Stopwatch.StartNew();
        var seeded = await bench.SeedParkedAsync(perEdge);
        var jobJson = "";
        if (bench.EngineStore is { } jobsStore)
        {
            var at = DateTime.UtcNow.AddHours(-1);
            foreach (var (edge, change, jobId) in seeded)
            {
                var instance = BranchesInProcess.ParkedInstance(jobId, edge, change, bench.Server.FilesOf(change), at, jobKb * 1024);
                jobJson = WorkflowJson.Serialize(instance);
                await jobsStore.CreateInstanceAsync(instance, CancellationToken.None);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"branches idle [{bench.JobsKind}]: {edges} edges x {perEdge} changes = {total:N0} parked (needs_resolve) written to the ledger{(engine ? $" and {total:N0} suspended p4-integrate jobs ({jobJson.Length:N0} bytes of JSON each; a real one parked on the demo depot has about 3,100) to the engine's store" : "")} in {seeding.Elapsed.TotalSeconds:0.0} s"));

        // The first passes after a start: the JIT, SQLite's page cache. Shown, not counted.
        var first = await bench.PassAsync();
        for (var i = 0; i < 2; i++) await bench.PassAsync();
        var statuses = await bench.StatusesAsync();
        if (statuses.GetValueOrDefault(ChangeStatus.NeedsResolve) != total)
            throw new InvalidOperationException($"the ledger has {string.Join(", ", statuses.Select(s => $"{s.Value} {s.Key}"))}, not {total} needs_resolve");
        GC.Collect();

        var passes = new List<(TimeSpan Wall, TimeSpan Cpu)>();
        var calls = bench.Jobs.StateCalls;
        var inJobs = bench.Jobs.StateTime;
        var clock = Stopwatch.StartNew();
        var cpuBefore = BranchesInProcess.Cpu();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && (maxPasses <= 0 || passes.Count < maxPasses) || passes.Count < 3)
        {
            var pass = await bench.PassAsync();
            passes.Add((pass.Wall, pass.Cpu));
        }
        var elapsed = clock.Elapsed;
        var cpuAll = BranchesInProcess.Cpu() - cpuBefore;
        var n = passes.Count;
        var cpuPerPass = cpuAll / n;
        var wallPerPass = elapsed / n;
        var stateCalls = (bench.Jobs.StateCalls - calls) / (double)n;
        var stateTime = (bench.Jobs.StateTime - inJobs) / n;

        // The ledger's part of a pass on its own: each edge's cursor and its open changes, as the pass reads them.
        var ledger = Stopwatch.StartNew();
        var ledgerCpu = BranchesInProcess.Cpu();
        string[] open = [ChangeStatus.Integrating, ChangeStatus.NeedsResolve, ChangeStatus.Failed, ChangeStatus.Pending, ChangeStatus.Shelved];
        for (var e = 0; e < edges; e++)
        {
            await bench.Ledger.CursorAsync(BranchesInProcess.EdgeId(e), CancellationToken.None);
            await bench.Ledger.ListAsync(BranchesInProcess.EdgeId(e), open, 1_000, CancellationToken.None);
        }
        var ledgerWall = ledger.Elapsed;
        ledgerCpu = BranchesInProcess.Cpu() - ledgerCpu;

        // The engine's part of one StateAsync that is the instance's JSON alone.
        var deserialize = TimeSpan.Zero;
        if (jobJson.Length > 0)
        {
            var timer = Stopwatch.StartNew();
            for (var i = 0; i < total; i++) WorkflowJson.Deserialize<P4Flow.Workflows.State.WorkflowInstance>(jobJson);
            deserialize = timer.Elapsed / total;
        }

        var at30 = cpuPerPass.TotalSeconds / 30;
        // At 1 s a pass longer than the interval runs back to back with the next (passes never overlap).
        var at1 = cpuPerPass.TotalSeconds / Math.Max(1, wallPerPass.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""
              first pass after the start: wall {{Ms(first.Wall)}} ms, CPU {{Ms(first.Cpu)}} ms
              {{n}} passes back to back in {{elapsed.TotalSeconds:0.0}} s: CPU per pass {{Ms(cpuPerPass)}} ms (median wall {{Ms(Median(passes.Select(p => p.Wall)))}} ms, slowest {{Ms(passes.Max(p => p.Wall))}} ms)
              share of one core: {{at30 * 100:0.00}} % at poll_interval 30 s (the default; target under {{TargetShare * 100:0}} %: {{(at30 < TargetShare ? "met" : "NOT met")}}), {{at1 * 100:0.0}} % at 1 s{{(wallPerPass.TotalSeconds > 1 ? " (a pass outlasts 1 s: passes run back to back)" : "")}}
              where a pass goes: jobs.StateAsync {{stateCalls:N0}} calls ({{Ms(stateTime)}} ms wall, {{stateTime.TotalMilliseconds * 1000 / Math.Max(1, stateCalls):0.0}} µs each) for {{total:N0}} parked changes{{(jobJson.Length > 0 ? $" (of each, deserializing the job's JSON alone: {deserialize.TotalMilliseconds * 1000:0.0} µs)" : "")}};
                the ledger's reads alone (cursor + open changes of every edge, {{edges}} x 2 queries, {{total:N0}} rows): {{Ms(ledgerWall)}} ms wall, {{Ms(ledgerCpu)}} ms CPU
            """));
        return 0;
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Us(TimeSpan t, int count) => (t.TotalMilliseconds * 1000 / count).ToString("0.0", CultureInfo.InvariantCulture);
}
