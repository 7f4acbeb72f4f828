using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Hub;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Tests.Branches;

/// <summary>
/// The integration bot's day, on a real orchestrator with two real agents and the simulator: graph main -> rel -> dev
/// (dev gated at a counter) and main -> feature (manual). Thirty changes by three authors: plain ones, a conflict on
/// rel whose lane holds only the later change to the same file (shelved for its owner, who submits it), a second
/// conflict that is skipped, an ignored change, a deadend, a null merge, one sent down the manual edge by its tag and
/// one approved. The final depot is the same whether or not the orchestrator is killed (-9) half way.
/// </summary>
public sealed class BranchScenarioTests
{
    private const string Lines = "one\ntwo\nthree\nfour\nfive\n";
    private static readonly string[] Authors = ["alice", "bob", "carol"];

    private const string Graph = """
        nodes:
          main: { path: "//depot/main/...", server: main }
          rel: { path: "//depot/rel/...", server: main }
          dev: { path: "//depot/dev/...", server: main }
          feature: { path: "//depot/feature/...", server: main }
        edges:
          - { source: main, target: rel }
          - { source: rel, target: dev, gate: { counter: rel-good } }
          - { source: main, target: feature, flow: manual }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ThirtyChangesByThreeAuthors_EachReachesWhereItShould_OnceAndInOrder(bool killHalfWay)
    {
        var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", [.. Enumerable.Range(1, 8).Select(i => ($"main/f{i}.txt", $"f{i}\n", (string?)null)),
            ("main/c.txt", Lines, null), ("main/d.txt", Lines, null),
            .. new[] { "g", "h", "i", "e", "n" }.Select(f => ($"main/{f}.txt", f + "\n", (string?)null))]);
        await depot.BranchAsync();
        await depot.BranchAsync("//depot/main/...", "//depot/feature/...");
        // rel's own fixes to c.txt and d.txt: main's edits to the same line conflict there.
        await depot.SubmitAsync("rel says deux", ("rel/c.txt", Lines.Replace("two", "deux", StringComparison.Ordinal), null), ("rel/d.txt", Lines.Replace("two", "deux", StringComparison.Ordinal), null));
        await depot.BranchAsync("//depot/rel/...", "//depot/dev/...");
        var gateStart = await NewestAsync(depot);
        await depot.RunAsync("counter", "rel-good", gateStart.ToString(CultureInfo.InvariantCulture));

        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), Graph);
        var tls = HubHost.Folder(home);
        HubCertificates.EnsureCreated(tls);
        HubCertificates.IssueAgent(tls, "left");
        HubCertificates.IssueAgent(tls, "right");
        await File.WriteAllTextAsync(Path.Combine(home, "config", "agent_whitelist.yaml"), HubHost.Whitelist([("left", "127.0.0.0/8"), ("right", "127.0.0.0/8")]));
        var hubPort = Loopback.FreePort();
        var notifications = Path.Combine(home, "data", "notifications.jsonl");
        var metricsPort = Loopback.FreePort();
        (string, string)[] settings =
        [
            ("P4FLOW_perforce__servers__main__port", depot.Root),
            ("P4FLOW_perforce__servers__main__user", "p4flow"),
            ("P4FLOW_branches__poll_interval", "1"),
            ("P4FLOW_state_management__resolve_check_interval", "3600"),
            ("P4FLOW_notifications__channels__log__type", "file"),
            ("P4FLOW_notifications__channels__log__path", notifications),
            ("P4FLOW_notifications__events__needs_resolve__0", "log"),
            ("P4FLOW_notifications__public_url", "https://p4flow.example.com"),
            .. Authors.Select(a => ($"P4FLOW_notifications__people__{a}", $"{a}@example.com")),
            ("P4FLOW_notifications__people__p4flow-bot", "bot@example.com"),
            ("P4FLOW_monitoring__metrics_port", metricsPort.ToString(CultureInfo.InvariantCulture)),
        ];
        var orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort, settings);
        try
        {
            await using var left = AgentProcess.Start(home, hubPort, "left");
            await using var right = AgentProcess.Start(home, hubPort, "right");
            foreach (var edge in new[] { "main/rel", "rel/dev", "main/feature" })
                await Eventually.Until(() => orchestrator.Client.GetJsonAsync($"/api/branches/edges/{edge}/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), $"{edge} to start watching");

            var script = new Scenario(depot);
            for (var i = 1; i <= 30; i++)
            {
                await script.SubmitAsync(i);
                if (killHalfWay && i == 15)
                {
                    // Killed with jobs running and changes unseen; a new process on the same database and hub port goes on.
                    await Eventually.Until(() => orchestrator.Client.GetJsonAsync("/api/branches/edges/main/rel/changes"),
                        e => e["changes"]!.AsArray().Any(c => c!.Str("status") == "integrating"), TimeSpan.FromMinutes(2), "a job to be running on main -> rel");
                    await orchestrator.KillAsync();
                    await orchestrator.DisposeAsync();
                    orchestrator = await AgentPipelineTests.StartOrchestratorAsync(home, hubPort, settings);
                }
            }
            var client = orchestrator.Client;

            // The conflict on c.txt parks, owned by its author; the later c.txt change waits behind it, the rest flow past.
            var conflict = script.Change(4);
            await WaitStatusAsync(client, "main/rel", conflict, "needs_resolve");
            // The second conflict (d.txt) is skipped with a reason, opening its lane.
            await WaitStatusAsync(client, "main/rel", script.Change(9), "needs_resolve");
            using (var skip = await client.PostJsonAsync($"/api/branches/edges/main/rel/changes/{script.Change(9)}/skip", new JsonObject { ["reason"] = "rel keeps deux" }))
                Assert.Equal(System.Net.HttpStatusCode.OK, skip.StatusCode);
            var others = Enumerable.Range(1, 30).Where(i => i is not (4 or 6 or 9)).Select(script.Change).ToList();
            var rel = await SettledAsync(client, "main/rel", c => c.Str("status") is "integrated" or "skipped", others, "every change but c.txt's to settle on rel");
            Assert.Equal("pending", Status(rel, script.Change(6)));

            // Shelved for its owner, who unshelves it, merges by hand and submits with the shelf's description.
            JsonNode shelved;
            using (var shelve = await client.PostJsonAsync($"/api/branches/edges/main/rel/changes/{conflict}/shelve", new JsonObject()))
                shelved = await shelve.ReadJsonAsync();
            Assert.Equal("shelved", shelved.Str("status"));
            var shelf = shelved["targetChange"]!.GetValue<int>();
            Assert.Contains($"Change {shelf} by bob@", await depot.RunAsync("describe", "-s", shelf.ToString(CultureInfo.InvariantCulture)), StringComparison.Ordinal);
            await OwnerSubmitsTheShelfAsync(depot, "bob", shelf, "one\nTWO deux\nthree\nfour\nfive\n");

            rel = await SettledAsync(client, "main/rel", c => c.Str("status") is "integrated" or "skipped", Enumerable.Range(1, 30).Select(script.Change), "every change to settle on rel");
            // The shelf's landing counts as the conflict's resolution, in the edge's time-to-resolve.
            var scrape = await P4Flow.Orchestrator.Tests.Observability.PrometheusText.ScrapeAsync(metricsPort);
            Assert.Equal(1, scrape.Value("p4_branch_resolve_seconds_count", ("edge", "main -> rel")));
            // dev is gated at the branching change: nothing has reached it yet.
            var dev = await client.GetJsonAsync("/api/branches/edges/rel/dev/changes");
            Assert.DoesNotContain(dev["changes"]!.AsArray(), c => c!.Str("status") is "integrated" or "integrating");
            await depot.RunAsync("counter", "rel-good", (await NewestAsync(depot, "//depot/rel/...")).ToString(CultureInfo.InvariantCulture));
            await SettledAsync(client, "rel/dev", c => c.Str("status") is "integrated" or "skipped", null, "every change on rel to reach dev once the gate passes it");

            // feature (manual): the tagged change went by itself; one is approved; the rest wait for a person.
            using (var approve = await client.PostAsync(new Uri($"/api/branches/edges/main/feature/changes/{script.Change(20)}/approve", UriKind.Relative), null))
                Assert.Equal(System.Net.HttpStatusCode.OK, approve.StatusCode);
            var feature = await SettledAsync(client, "main/feature", c => c.Str("status") is "integrated" or "skipped" or "awaiting_approval", Enumerable.Range(1, 30).Select(script.Change), "feature to settle");
            Assert.Equal("integrated", Status(feature, script.Change(18)));
            Assert.Equal("integrated", Status(feature, script.Change(20)));
            Assert.Equal(26, feature["changes"]!.AsArray().Count(c => c!.Str("status") == "awaiting_approval"));

            // The depot: every change in every branch it should reach.
            foreach (var branch in new[] { "rel", "dev" })
            {
                foreach (var file in Enumerable.Range(1, 8).Select(i => $"f{i}.txt"))
                    Assert.Equal(script.Main(file), await depot.RunAsync("print", "-q", $"//depot/{branch}/{file}"));
                // Ignored and deadend: not there; the null merge: recorded, rel's text kept; the feature ones: there.
                Assert.Equal("i\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/i.txt"));
                Assert.Equal("e\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/e.txt"));
                Assert.Equal("n\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/n.txt"));
                Assert.Equal("g\ntagged for feature\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/g.txt"));
                Assert.Equal("one\nTWO deux\nthree\nfour\nFIVE\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/c.txt"));
                Assert.Equal("one\ndeux\nthree\nfour\nFIVE\n", await depot.RunAsync("print", "-q", $"//depot/{branch}/d.txt"));
            }
            Assert.Equal("g\ntagged for feature\n", await depot.RunAsync("print", "-q", "//depot/feature/g.txt"));
            Assert.Equal("h\napproved for feature\n", await depot.RunAsync("print", "-q", "//depot/feature/h.txt"));
            Assert.Equal("f1\n", await depot.RunAsync("print", "-q", "//depot/feature/f1.txt"));

            // None twice, in order per file: each main change named once on rel, and rel's changes in main's order per file.
            var relHistory = await HistoryAsync(depot, "//depot/rel/...");
            foreach (var i in Enumerable.Range(1, 30).Where(i => Scenario.ReachesRel(i)))
                Assert.Single(relHistory, c => c.Description.Contains($"#p4flow-source: CL {script.Change(i)} in //depot/main/...", StringComparison.Ordinal));
            foreach (var i in Enumerable.Range(1, 30).Where(i => !Scenario.ReachesRel(i)))
                Assert.DoesNotContain(relHistory, c => c.Description.Contains($"#p4flow-source: CL {script.Change(i)} in //depot/main/...\n", StringComparison.Ordinal));
            foreach (var file in Scenario.Files)
            {
                var order = Enumerable.Range(1, 30).Where(i => Scenario.ReachesRel(i) && Scenario.FileOf(i) == file).Select(i => TargetOf(rel, script.Change(i))).ToList();
                Assert.Equal(order.Order(), order);
            }
            // Each change P4Flow made on dev names the change on rel it carries, once, and main's origin via it.
            var devHistory = await HistoryAsync(depot, "//depot/dev/...");
            foreach (var carried in relHistory.Where(c => c.Number > gateStart))
                Assert.Single(devHistory, c => c.Description.Contains($"#p4flow-source: CL {carried.Number} in //depot/rel/...", StringComparison.Ordinal));
            Assert.Contains(devHistory, c => c.Description.Contains($"#p4flow-source: CL {script.Change(1)} in //depot/main/... via CL", StringComparison.Ordinal));

            // Where each change went, as the API answers it.
            await AssertWhereAsync(client, script.Change(7), ("main -> rel", "skipped", "tagged #p4flow ignore"), ("main -> feature", "skipped", "tagged #p4flow ignore"));
            await AssertWhereAsync(client, script.Change(8), ("main -> rel", "skipped", "tagged #p4flow deadend"), ("main -> feature", "skipped", "tagged #p4flow deadend"));
            await AssertWhereAsync(client, script.Change(9), ("main -> rel", "skipped", "rel keeps deux"), ("main -> feature", "awaiting_approval", null));
            await AssertWhereAsync(client, script.Change(10), ("main -> rel", "integrated", null), ("main -> feature", "awaiting_approval", null));
            await AssertWhereAsync(client, conflict, ("main -> rel", "integrated", "its owner submitted the shelf"), ("main -> feature", "awaiting_approval", null));

            // The conflicts' owners were told, each at their own address.
            var told = (await File.ReadAllLinesAsync(notifications)).Select(l => JsonNode.Parse(l)!).Where(n => n.Str("event") == "needs_resolve").ToList();
            Assert.Contains(told, n => n["to"]!.AsArray().Any(t => t!.GetValue<string>() == "bob@example.com") && n.Str("text").Contains("c.txt", StringComparison.Ordinal));
            // ... with the link to the edge's page, where they act on it.
            Assert.Contains(told, n => n.Str("text").Contains("c.txt", StringComparison.Ordinal)
                && n.Str("text").Contains("Act on the change (shelve for you, accept theirs, skip, retry, acknowledge): https://p4flow.example.com/branches/main/rel", StringComparison.Ordinal));
            Assert.Contains(told, n => n["to"]!.AsArray().Any(t => t!.GetValue<string>() == $"{Authors[9 % 3]}@example.com") && n.Str("text").Contains("d.txt", StringComparison.Ordinal));
        }
        finally
        {
            await orchestrator.DisposeAsync();
        }
    }

    /// <summary>The thirty changes: which file each touches, how, by whom. Each special change has a file of its own:
    /// a change kept off rel (ignored, deadend, null merge) would make main's next edit of that file a conflict there.</summary>
    private sealed class Scenario(SimDepot depot)
    {
        private readonly Dictionary<int, int> _numbers = [];
        private readonly Dictionary<string, string> _main = Enumerable.Range(1, 8).ToDictionary(i => $"f{i}.txt", i => $"f{i}\n");

        public static IEnumerable<string> Files => [.. Enumerable.Range(1, 8).Select(i => $"f{i}.txt"), "c.txt", "d.txt", "g.txt", "h.txt", "n.txt"];

        public int Change(int i) => _numbers[i];

        public static string FileOf(int i) => i switch
        {
            4 or 6 => "c.txt",
            9 or 11 => "d.txt",
            7 => "i.txt",
            8 => "e.txt",
            10 => "n.txt",
            18 => "g.txt",
            20 => "h.txt",
            _ => $"f{(i % 8) + 1}.txt",
        };

        /// <summary>Whether main's change i ends on rel (and so on dev): not the ignored, the deadend or the skipped one.</summary>
        public static bool ReachesRel(int i) => i is not (7 or 8 or 9);

        /// <summary>main's text of an f file: every edit made to it, which rel and dev end with too.</summary>
        public string Main(string file) => _main[file];

        public async Task SubmitAsync(int i)
        {
            var author = Authors[i % 3];
            var file = FileOf(i);
            var (content, description) = i switch
            {
                4 => (Lines.Replace("two", "TWO", StringComparison.Ordinal), "TWO in c"),
                6 => (Lines.Replace("two", "TWO", StringComparison.Ordinal).Replace("five", "FIVE", StringComparison.Ordinal), "FIVE in c"),
                9 => (Lines.Replace("two", "TWO", StringComparison.Ordinal), "TWO in d"),
                11 => (Lines.Replace("two", "TWO", StringComparison.Ordinal).Replace("five", "FIVE", StringComparison.Ordinal), "FIVE in d"),
                7 => ("i\nexperiment\n", "Experiment\n\n#p4flow ignore"),
                8 => ("e\nmain only\n", "Main only\n\n#p4flow deadend"),
                10 => ("n\nmain's way\n", "Main's way, rel keeps its own\n\n#p4flow !rel"),
                18 => ("g\ntagged for feature\n", "For feature too\n\n#p4flow feature"),
                20 => ("h\napproved for feature\n", "For feature if approved"),
                _ => (_main[file] + $"change {i} by {author}\n", $"Edit {file} ({i})"),
            };
            await depot.SubmitAsAsync(author, description, ($"main/{file}", content, null));
            // Only this test submits to main (P4Flow submits to the other branches meanwhile).
            _numbers[i] = await NewestAsync(depot, "//depot/main/...");
            if (_main.ContainsKey(file)) _main[file] = content;
        }
    }

    private static async Task OwnerSubmitsTheShelfAsync(SimDepot depot, string owner, int shelf, string merged)
    {
        var workspace = Path.Combine(Path.GetDirectoryName(depot.Root)!, owner + "-ws");
        Directory.CreateDirectory(workspace);
        var client = owner + "-ws";
        await depot.RunAsAsync(workspace, owner, client, $"Client:\t{client}\n\nOwner:\t{owner}\n\nRoot:\t{workspace}\n\nView:\n\t//depot/rel/... //{client}/rel/...\n", "client", "-i");
        await depot.RunAsAsync(workspace, owner, client, null, "sync");
        var number = shelf.ToString(CultureInfo.InvariantCulture);
        var unshelved = await depot.RunAsAsync(workspace, owner, client, null, "unshelve", "-s", number);
        Assert.Contains("//depot/rel/c.txt", unshelved, StringComparison.Ordinal);
        // The shelf holds p4's conflict markers; its owner merges by hand.
        var local = Path.Combine(workspace, "rel", "c.txt");
        Assert.Contains(">>>>", await File.ReadAllTextAsync(local), StringComparison.Ordinal);
        await File.WriteAllTextAsync(local, merged);
        var description = DescriptionOf(await depot.RunAsAsync(workspace, owner, client, null, "describe", "-s", number));
        Assert.Contains("#p4flow-source: CL", description, StringComparison.Ordinal);
        await depot.RunAsAsync(workspace, owner, client, null, "submit", "-d", description);
    }

    /// <summary>The description in `p4 describe -s` text: the tab-indented lines after the header.</summary>
    private static string DescriptionOf(string describe) =>
        string.Join("\n", describe.Split('\n').Skip(1).TakeWhile(l => !l.StartsWith("Affected files", StringComparison.Ordinal) && !l.StartsWith("Shelved files", StringComparison.Ordinal))
            .Where(l => l.StartsWith('\t')).Select(l => l[1..])).Trim();

    private sealed record Submitted(int Number, string Description);

    /// <summary>`p4 changes -l`: a "Change N on ..." line, then the description's lines, each indented by a tab.</summary>
    private static async Task<List<Submitted>> HistoryAsync(SimDepot depot, string path)
    {
        var list = new List<Submitted>();
        foreach (var line in (await depot.RunAsync("changes", "-s", "submitted", "-l", path)).Split('\n'))
        {
            if (line.StartsWith("Change ", StringComparison.Ordinal))
                list.Add(new Submitted(int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture), ""));
            else if (line.StartsWith('\t') && list.Count > 0)
                list[^1] = list[^1] with { Description = list[^1].Description + line[1..] + "\n" };
        }
        return list;
    }

    private static async Task AssertWhereAsync(HttpClient client, int change, params (string Edge, string Status, string? Why)[] expected)
    {
        var where = await client.GetJsonAsync($"/api/changes/main/{change}");
        foreach (var (edge, status, why) in expected)
        {
            var seen = where["edges"]!.AsArray().Single(e => e!.Str("edgeId") == edge)!;
            Assert.True(seen.Str("status") == status, $"{edge}: {seen.ToJsonString()}");
            if (why is not null) Assert.Contains(why, seen.Str("reason"), StringComparison.Ordinal);
        }
    }

    private static string Status(JsonNode edge, int change) => edge["changes"]!.AsArray().Single(c => c!["change"]!.GetValue<int>() == change)!.Str("status");

    private static int TargetOf(JsonNode edge, int change) => edge["changes"]!.AsArray().Single(c => c!["change"]!.GetValue<int>() == change)!["targetChange"]!.GetValue<int>();

    private static Task<JsonNode?> WaitStatusAsync(HttpClient client, string edge, int change, string status) =>
        Eventually.Until(() => Tolerant(client, $"/api/branches/edges/{edge}/changes"),
            e => e?["changes"]?.AsArray().Any(c => c!["change"]!.GetValue<int>() == change && c.Str("status") == status) == true,
            TimeSpan.FromMinutes(4), $"change {change} to be {status} on {edge}");

    /// <summary>Waits until every change of the edge (or each of <paramref name="changes"/>) is settled as <paramref name="settled"/> says.</summary>
    private static async Task<JsonNode> SettledAsync(HttpClient client, string edge, Func<JsonNode, bool> settled, IEnumerable<int>? changes, string what)
    {
        var wanted = changes?.ToHashSet();
        var found = await Eventually.Until(() => Tolerant(client, $"/api/branches/edges/{edge}/changes"), e =>
        {
            if (e?["changes"] is not JsonArray list || list.Count == 0) return false;
            var considered = list.Where(c => wanted is null || wanted.Contains(c!["change"]!.GetValue<int>())).ToList();
            return (wanted is null || considered.Count == wanted.Count) && considered.All(c => settled(c!));
        }, TimeSpan.FromMinutes(6), what);
        return found!;
    }

    private static async Task<JsonNode?> Tolerant(HttpClient client, string path)
    {
        try
        {
            return await client.GetJsonAsync(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<int> NewestAsync(SimDepot depot, string? path = null)
    {
        var line = path is null ? await depot.RunAsync("changes", "-m", "1", "-s", "submitted") : await depot.RunAsync("changes", "-m", "1", "-s", "submitted", path);
        return int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
