using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Observability;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Branches;

/// <summary>
/// The integration bot on a real orchestrator (SQLite, Hangfire) and the simulator: graph main -> rel and rel -> main.
/// Every change submitted on main after the bot started watching flows to rel, one job per change in changelist order;
/// what it submitted on rel never comes back to main; a restart neither loses nor repeats a change.
/// </summary>
public sealed class BranchBotTests
{
    private const string Graph = """
        nodes:
          main: { path: "//depot/main/...", server: main }
          rel: { path: "//depot/rel/...", server: main }
        edges:
          - { source: main, target: rel }
          - { source: rel, target: main }
        """;

    [Fact]
    public async Task ChangesOnMain_EachFlowsToRelInOrder_NoneComesBack_NoneLostOrRepeatedAcrossARestart()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", "a\n", null), ("main/b.txt", "b\n", null), ("main/c.txt", "c\n", null));
        await depot.BranchAsync();
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), Graph);
        var environment = BotSettings(depot);
        var changes = new List<int>();
        await using (var first = OrchestratorProcess.Start(home, environment: environment))
        {
            await first.WaitReadyAsync();
            // Watching starts at the newest change: the branching itself is not integrated back.
            await Eventually.Until(() => first.Client.GetJsonAsync("/api/branches/edges/main/rel/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "main -> rel to start watching");
            await Eventually.Until(() => first.Client.GetJsonAsync("/api/branches/edges/rel/main/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "rel -> main to start watching");
            foreach (var file in new[] { "a", "b", "c" })
            {
                await depot.SubmitAsync($"Fix {file}", ($"main/{file}.txt", $"{file}\n{file} fixed\n", null));
                changes.Add(await NewestChangeAsync(depot));
            }
            await WaitIntegratedAsync(first.Client, changes);
            await first.KillAsync();
        }

        // One more after a kill -9: it flows too, and nothing before it runs again.
        await depot.SubmitAsync("Fix a again", ("main/a.txt", "a\na fixed\na again\n", null));
        changes.Add(await NewestChangeAsync(depot));
        await using var second = OrchestratorProcess.Start(home, environment: environment);
        await second.WaitReadyAsync();
        var edge = await WaitIntegratedAsync(second.Client, changes);

        Assert.Equal(changes, edge.Select(c => c!["change"]!.GetValue<int>()));
        Assert.Equal("a\na fixed\na again\n", await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        Assert.Equal("c\nc fixed\n", await depot.RunAsync("print", "-q", "//depot/rel/c.txt"));
        // One job per change, started in changelist order, each by the bot.
        var jobs = new List<JsonNode>();
        foreach (var change in edge) jobs.Add(await second.Client.GetJsonAsync($"/api/jobs/{change!.Str("jobId")}"));
        Assert.Equal(changes.Count, jobs.Select(j => j.Str("id")).Distinct().Count());
        Assert.All(jobs, j => Assert.Equal("p4flow-bot", j.Str("startedBy")));
        var started = jobs.Select(j => j["createdAt"]!.GetValue<DateTime>()).ToList();
        Assert.Equal(started.Order(), started);
        var page = await second.Client.GetJsonAsync("/api/jobs?pageSize=100");
        Assert.Equal(changes.Count, page["total"]!.GetValue<int>());

        // Where each change went, and what the change on rel says of it.
        foreach (var change in changes)
        {
            var where = await second.Client.GetJsonAsync($"/api/changes/main/{change}");
            var toRel = where["edges"]!.AsArray().Single(e => e!.Str("edgeId") == "main -> rel")!;
            Assert.Equal("integrated", toRel.Str("status"));
            var submitted = toRel["targetChange"]!.GetValue<int>();
            Assert.Contains($"#p4flow-source: CL {change} in //depot/main/...", await depot.RunAsync("describe", "-s", submitted.ToString(CultureInfo.InvariantCulture)), StringComparison.Ordinal);
            // rel -> main saw the change P4Flow submitted on rel and passed it over, saying why.
            var back = await Eventually.Until(() => ChangeAsync(second.Client, submitted), w => w is not null, TimeSpan.FromSeconds(60), $"rel -> main to see CL {submitted}");
            var skipped = back!["edges"]!.AsArray().Single()!;
            Assert.Equal(("rel -> main", "skipped"), (skipped.Str("edgeId"), skipped.Str("status")));
            Assert.Contains("never integrated back", skipped.Str("reason"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TagsExclusionsAndAManualEdge_EachChangeGoesWhereItSays_ApprovedOnesFlow_SkipsKeepTheirReason()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", "a\n", null), ("main/b.txt", "b\n", null), ("main/c.txt", "c\n", null), ("main/d.txt", "d\n", null));
        await depot.BranchAsync();
        await depot.BranchAsync("//depot/main/...", "//depot/dev/...");
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
              dev: { path: "//depot/dev/...", server: main }
            edges:
              - { source: main, target: rel, exclusions: { description: "^\\[no-merge\\]" } }
              - { source: main, target: dev, flow: manual }
            """);
        await using var orchestrator = OrchestratorProcess.Start(home, environment: BotSettings(depot));
        await orchestrator.WaitReadyAsync();
        var client = orchestrator.Client;
        foreach (var edge in new[] { "main/rel", "main/dev" })
            await Eventually.Until(() => client.GetJsonAsync($"/api/branches/edges/{edge}/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), $"{edge} to start watching");

        await depot.SubmitAsync("Experiment\n\n#p4flow ignore", ("main/a.txt", "a\nignored\n", null));
        var ignored = await NewestChangeAsync(depot);
        await depot.SubmitAsync("Only for dev\n\n#p4flow -rel", ("main/b.txt", "b\nfor dev\n", null));
        var notToRel = await NewestChangeAsync(depot);
        await depot.SubmitAsync("[no-merge] local tweak", ("main/c.txt", "c\ntweak\n", null));
        var excluded = await NewestChangeAsync(depot);
        await depot.SubmitAsync("Fix d everywhere\n\n#p4flow dev", ("main/d.txt", "d\nfixed\n", null));
        var everywhere = await NewestChangeAsync(depot);

        // rel: only the last one flows; the others are skipped, each saying why.
        var rel = await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"),
            e => e["changes"]!.AsArray().Count == 4 && e["changes"]!.AsArray().All(c => c!.Str("status") is "integrated" or "skipped" or "failed"), TimeSpan.FromMinutes(3), "rel to settle");
        Assert.Equal(["skipped", "skipped", "skipped", "integrated"], rel["changes"]!.AsArray().Select(c => c!.Str("status")));
        Assert.Equal(["tagged #p4flow ignore: integrated nowhere", "tagged #p4flow -rel: not to rel", "its description matches this edge's exclusions.description (^\\[no-merge\\])"],
            rel["changes"]!.AsArray().Take(3).Select(c => c!.Str("reason")));
        // dev (manual): the tagged one went at once; the others wait for a person.
        var dev = await Eventually.Until(() => ChangeAsync(client, everywhere),
            w => w is not null && w["edges"]!.AsArray().Any(e => e!.Str("edgeId") == "main -> dev" && e!.Str("status") == "integrated"), TimeSpan.FromMinutes(3), "the tagged change to reach dev");
        Assert.Equal("awaiting_approval", (await client.GetJsonAsync($"/api/changes/main/{notToRel}"))["edges"]!.AsArray().Single(e => e!.Str("edgeId") == "main -> dev")!.Str("status"));

        // Someone approves one for dev and skips another, saying why; a skip needs a reason; ignored stays ignored.
        using (var approve = await client.PostAsync(new Uri($"/api/branches/edges/main/dev/changes/{notToRel}/approve", UriKind.Relative), null))
            Assert.Equal(System.Net.HttpStatusCode.OK, approve.StatusCode);
        using (var noReason = await client.PostJsonAsync($"/api/branches/edges/main/dev/changes/{excluded}/skip", new JsonObject()))
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, noReason.StatusCode);
        using (var skip = await client.PostJsonAsync($"/api/branches/edges/main/dev/changes/{excluded}/skip", new JsonObject { ["reason"] = "a local tweak, not for dev" }))
            Assert.Equal("skipped by bootstrap-admin: a local tweak, not for dev", (await skip.ReadJsonAsync()).Str("reason"));
        using (var again = await client.PostAsync(new Uri($"/api/branches/edges/main/dev/changes/{ignored}/approve", UriKind.Relative), null))
            Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        await Eventually.Until(() => ChangeAsync(client, notToRel),
            w => w is not null && w["edges"]!.AsArray().Any(e => e!.Str("edgeId") == "main -> dev" && e!.Str("status") == "integrated"), TimeSpan.FromMinutes(3), "the approved change to reach dev");

        Assert.Equal("d\nfixed\n", await depot.RunAsync("print", "-q", "//depot/rel/d.txt"));
        Assert.Equal("b\n", await depot.RunAsync("print", "-q", "//depot/rel/b.txt"));
        Assert.Equal("b\nfor dev\n", await depot.RunAsync("print", "-q", "//depot/dev/b.txt"));
        Assert.Equal("c\n", await depot.RunAsync("print", "-q", "//depot/dev/c.txt"));
        Assert.Equal("a\n", await depot.RunAsync("print", "-q", "//depot/dev/a.txt"));
        Assert.NotNull(dev);
    }

    [Fact]
    public async Task ConflictParked_DisjointChangesKeepFlowing_AnOverlappingOneWaitsBehindIt_UntilItIsSkipped()
    {
        const string Base = "one\ntwo\nthree\nfour\nfive\n";
        var metricsPort = Loopback.FreePort();
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", Base, null), ("main/b.txt", "b\n", null));
        await depot.BranchAsync();
        await depot.SubmitAsync("Local fix on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
            edges:
              - { source: main, target: rel }
            """);
        await using var orchestrator = OrchestratorProcess.Start(home, environment: BotSettings(depot,
            ("P4FLOW_state_management__resolve_check_interval", "3600"),
            ("P4FLOW_monitoring__metrics_port", metricsPort.ToString(CultureInfo.InvariantCulture))));
        await orchestrator.WaitReadyAsync();
        var client = orchestrator.Client;
        await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "main -> rel to start watching");

        await depot.SubmitAsync("TWO on main", ("main/a.txt", Base.Replace("two", "TWO", StringComparison.Ordinal), null));
        var conflicting = await NewestChangeAsync(depot);
        var parked = (await Eventually.Until(() => ChangeAsync(client, conflicting), w => w?["edges"]![0]!.Str("status") == "needs_resolve",
            TimeSpan.FromMinutes(3), "the conflicting change to park"))!;
        await depot.SubmitAsync("b on main", ("main/b.txt", "b\nmore\n", null));
        var disjoint = await NewestChangeAsync(depot);
        await depot.SubmitAsync("FIVE on main", ("main/a.txt", Base.Replace("two", "TWO", StringComparison.Ordinal).Replace("five", "FIVE", StringComparison.Ordinal), null));
        var overlapping = await NewestChangeAsync(depot);

        // The lane: b.txt's change goes past the parked one; a.txt's waits behind it.
        await Eventually.Until(() => ChangeAsync(client, disjoint), w => w?["edges"]![0]!.Str("status") == "integrated", TimeSpan.FromMinutes(3), "the disjoint change to flow");
        Assert.Equal("b\nmore\n", await depot.RunAsync("print", "-q", "//depot/rel/b.txt"));
        var waiting = await client.GetJsonAsync($"/api/changes/main/{overlapping}");
        Assert.Equal("pending", waiting["edges"]![0]!.Str("status"));
        Assert.Equal("needs_resolve", (await client.GetJsonAsync($"/api/changes/main/{conflicting}"))["edges"]![0]!.Str("status"));
        // The edge's metrics say so: one change parked, one waiting, blocked for some seconds; one integrated.
        var scrape = await PrometheusText.ScrapeAsync(metricsPort);
        Assert.Equal(1, scrape.Value("p4_branch_changes", ("edge", "main -> rel"), ("status", "needs_resolve")));
        Assert.Equal(1, scrape.Value("p4_branch_changes", ("edge", "main -> rel"), ("status", "pending")));
        Assert.True(scrape.Value("p4_branch_blocked_seconds", ("edge", "main -> rel")) > 0);
        Assert.True(scrape.Value("p4_branch_lag_seconds", ("edge", "main -> rel")) > 0);
        Assert.Equal(1, scrape.Value("p4_branch_propagation_seconds_count", ("edge", "main -> rel")));

        // Its job cancelled, the change holds its lane as failed; skipped with a reason, the lane opens.
        using (var cancel = await client.PostJsonAsync($"/api/jobs/{parked["edges"]![0]!.Str("jobId")}/cancel", new JsonObject { ["reason"] = "not this one" }))
            cancel.EnsureSuccessStatusCode();
        await Eventually.Until(() => ChangeAsync(client, conflicting), w => w?["edges"]![0]!.Str("status") == "failed", TimeSpan.FromMinutes(1), "the cancelled change to fail");
        Assert.Equal("pending", (await client.GetJsonAsync($"/api/changes/main/{overlapping}"))["edges"]![0]!.Str("status"));
        using (var skip = await client.PostJsonAsync($"/api/branches/edges/main/rel/changes/{conflicting}/skip", new JsonObject { ["reason"] = "rel keeps deux" }))
            skip.EnsureSuccessStatusCode();
        await Eventually.Until(() => ChangeAsync(client, overlapping), w => w?["edges"]![0]!.Str("status") == "integrated", TimeSpan.FromMinutes(3), "the waiting change to flow");
        Assert.Equal("one\ndeux\nthree\nfour\nFIVE\n", await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        Assert.Equal("skipped by bootstrap-admin: rel keeps deux", (await client.GetJsonAsync($"/api/changes/main/{conflicting}"))["edges"]![0]!.Str("reason"));
    }

    [Fact]
    public async Task ParkedChange_AcknowledgedThenStomped_ItsJobTakesTheirsForEveryFileAndSubmits()
    {
        const string Base = "one\ntwo\nthree\n";
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", Base, null));
        await depot.BranchAsync();
        await depot.SubmitAsync("Local fix on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
            edges:
              - { source: main, target: rel }
            """);
        await using var orchestrator = OrchestratorProcess.Start(home, environment: BotSettings(depot, ("P4FLOW_state_management__resolve_check_interval", "3600")));
        await orchestrator.WaitReadyAsync();
        var client = orchestrator.Client;
        await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "main -> rel to start watching");
        var theirs = Base.Replace("two", "TWO", StringComparison.Ordinal);
        await depot.SubmitAsync("TWO on main", ("main/a.txt", theirs, null));
        var change = await NewestChangeAsync(depot);
        var parked = (await Eventually.Until(() => ChangeAsync(client, change), w => w?["edges"]![0]!.Str("status") == "needs_resolve", TimeSpan.FromMinutes(3), "the change to park"))!;
        var jobId = parked["edges"]![0]!.Str("jobId");

        // Actions apply where they say: approve is for a manual edge's waiting change.
        using (var approve = await client.PostAsync(new Uri($"/api/branches/edges/main/rel/changes/{change}/approve", UriKind.Relative), null))
            Assert.Equal(System.Net.HttpStatusCode.Conflict, approve.StatusCode);
        // Its owner takes it: the job records who, and the reminders stop; the change still holds its lane.
        using (var acknowledge = await client.PostAsync(new Uri($"/api/branches/edges/main/rel/changes/{change}/acknowledge", UriKind.Relative), null))
        {
            var body = await acknowledge.ReadJsonAsync();
            Assert.Equal("needs_resolve", body.Str("status"));
            Assert.StartsWith("its owner has it: acknowledged by bootstrap-admin", body.Str("reason"), StringComparison.Ordinal);
        }
        Assert.Equal("bootstrap-admin", (await client.GetJsonAsync($"/api/jobs/{jobId}"))["acknowledged"]!.Str("by"));

        // Theirs for every file: the same job settles, submits, and the change is integrated with main's text.
        using (var stomp = await client.PostAsync(new Uri($"/api/branches/edges/main/rel/changes/{change}/stomp", UriKind.Relative), null))
            Assert.Equal(System.Net.HttpStatusCode.OK, stomp.StatusCode);
        var integrated = await Eventually.Until(() => ChangeAsync(client, change), w => w?["edges"]![0]!.Str("status") == "integrated", TimeSpan.FromMinutes(3), "the stomped change to be integrated");
        Assert.Equal(jobId, integrated!["edges"]![0]!.Str("jobId"));
        Assert.Equal(theirs, await depot.RunAsync("print", "-q", "//depot/rel/a.txt"));
        using (var again = await client.PostAsync(new Uri($"/api/branches/edges/main/rel/changes/{change}/stomp", UriKind.Relative), null))
            Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);

        // Both actions are in the audit log with who did them; the refused second stomp is not.
        var audit = await client.GetJsonAsync("/api/audit?user=bootstrap-admin&pageSize=500");
        var actions = audit["items"]!.AsArray().Where(e => e!.Str("event_type") == "BRANCH_CHANGE_ACTION").Select(e => e!.Str("reason")).ToList();
        Assert.Equal(2, actions.Count);
        Assert.Contains(actions, r => r.StartsWith($"acknowledge change {change} on main -> rel: now needs_resolve", StringComparison.Ordinal));
        Assert.Contains(actions, r => r.StartsWith($"stomp change {change} on main -> rel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GateAtACounter_ChangesPastItWait_RaisingItLetsThemFlow()
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/a.txt", "a\n", null), ("main/b.txt", "b\n", null));
        await depot.BranchAsync();
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
            edges:
              - { source: main, target: rel, gate: { counter: main-good } }
            """);
        await using var orchestrator = OrchestratorProcess.Start(home, environment: BotSettings(depot));
        await orchestrator.WaitReadyAsync();
        var client = orchestrator.Client;
        await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "main -> rel to start watching");
        await depot.SubmitAsync("Good a", ("main/a.txt", "a\ngood\n", null));
        var good = await NewestChangeAsync(depot);
        await depot.SubmitAsync("Untested b", ("main/b.txt", "b\nuntested\n", null));
        var untested = await NewestChangeAsync(depot);
        await depot.RunAsync("counter", "main-good", good.ToString(CultureInfo.InvariantCulture));

        await Eventually.Until(() => ChangeAsync(client, good), w => w?["edges"]![0]!.Str("status") == "integrated", TimeSpan.FromMinutes(3), "the change the gate marks good to flow");
        // Passes that began after it ended (the one its end started among them) leave the change past the gate waiting.
        var integratedAt = (await ChangeAsync(client, good))!["edges"]![0]!["updatedAt"]!.GetValue<DateTime>().ToUniversalTime();
        await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"),
            e => e["lastPass"] is { } pass && pass.GetValue<DateTime>().ToUniversalTime() > integratedAt.AddSeconds(3), TimeSpan.FromSeconds(60), "passes after the gated change's turn");
        Assert.Equal("pending", (await ChangeAsync(client, untested))!["edges"]![0]!.Str("status"));
        Assert.Equal("b\n", await depot.RunAsync("print", "-q", "//depot/rel/b.txt"));

        await depot.RunAsync("counter", "main-good", untested.ToString(CultureInfo.InvariantCulture));
        await Eventually.Until(() => ChangeAsync(client, untested), w => w?["edges"]![0]!.Str("status") == "integrated", TimeSpan.FromMinutes(3), "the change to flow once the gate passes it");
        Assert.Equal("b\nuntested\n", await depot.RunAsync("print", "-q", "//depot/rel/b.txt"));
    }

    /// <summary>An orchestrator whose server "main" is the simulated depot, the bot looking every second.</summary>
    private static Dictionary<string, string> BotSettings(SimDepot depot, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__servers__main__port"] = depot.Root,
            ["P4FLOW_perforce__servers__main__user"] = "p4flow",
            ["P4FLOW_branches__poll_interval"] = "1",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    /// <summary>GET /api/changes/main/N, or null while no edge has seen the change (404).</summary>
    private static async Task<JsonNode?> ChangeAsync(HttpClient client, int change)
    {
        using var response = await client.GetAsync(new Uri($"/api/changes/main/{change}", UriKind.Relative));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        return await response.ReadJsonAsync();
    }

    private static async Task<int> NewestChangeAsync(SimDepot depot)
    {
        var line = await depot.RunAsync("changes", "-m", "1", "-s", "submitted");
        return int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<JsonArray> WaitIntegratedAsync(HttpClient client, List<int> changes)
    {
        var edge = await Eventually.Until(() => client.GetJsonAsync("/api/branches/edges/main/rel/changes"),
            e => e["changes"]!.AsArray().Count == changes.Count && e["changes"]!.AsArray().All(c => c!.Str("status") is "integrated" or "failed"),
            TimeSpan.FromMinutes(4), $"changes {string.Join(", ", changes)} to be integrated to rel");
        var list = edge["changes"]!.AsArray();
        Assert.All(list, c => Assert.True(c!.Str("status") == "integrated", c!.ToJsonString()));
        return list;
    }
}
