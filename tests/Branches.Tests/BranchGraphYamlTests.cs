using P4Flow.Branches.Graph;
using P4Flow.Workflows.State;

namespace P4Flow.Branches.Tests;

/// <summary>The graph as people write it: read, checked against every rule with errors named by line or field, written back.</summary>
public sealed class BranchGraphYamlTests
{
    private const string Demo = """
        nodes:
          main: { path: "//depot/main/..." }
          rel: { path: "//depot/rel/...", server: "main-server" }
          feature: { path: "//depot/feature/..." }
        edges:
          - source: main
            target: rel
            gate: { counter: main-good }
            exclusions: { paths: ["//depot/main/docs/..."], authors: [buildbot], description: "^\\[no-merge\\]" }
            window: { from: "22:00", to: "06:00", days: [mon, tue] }
            agent_requirements: { capabilities: [p4], labels: [linux] }
          - { source: main, target: feature, flow: manual, paused: true }
        """;

    private static readonly GraphContext Known = new(new HashSet<string> { "main-server" }, new HashSet<string> { "p4-integrate" });

    [Fact]
    public void Read_ThenWriteThenReadAgain_SameGraph()
    {
        var graph = BranchGraphYaml.Read(Demo, Known);

        Assert.Equal(["main", "rel", "feature"], graph.Nodes.Select(n => n.Name));
        Assert.Equal("main-server", graph.Node("rel")!.Server);
        var toRel = graph.Edge("main -> rel")!;
        Assert.Equal(BranchEdge.DefaultWorkflow, toRel.Workflow);
        Assert.Equal(BranchEdge.Automatic, toRel.Flow);
        Assert.Equal("main-good", toRel.Gate!.Counter);
        Assert.Equal(["buildbot"], toRel.Exclusions!.Authors!);
        Assert.Equal("22:00", toRel.Window!.From);
        Assert.Equal(["linux"], toRel.AgentRequirements!.Labels!);
        var toFeature = graph.Edge("main -> feature")!;
        Assert.True(toFeature.Paused);
        Assert.Equal(BranchEdge.Manual, toFeature.Flow);

        var again = BranchGraphYaml.Read(BranchGraphYaml.Write(graph), Known);
        Assert.Equal(graph.Nodes, again.Nodes);
        Assert.Equal(graph.Edges.Select(e => e.Id), again.Edges.Select(e => e.Id));
        Assert.Equal(BranchGraphYaml.Write(graph), BranchGraphYaml.Write(again));
    }

    [Fact]
    public void Read_NotYaml_ErrorNamesTheLine()
    {
        var error = Assert.Throws<WorkflowInputException>(() => BranchGraphYaml.Read("nodes:\n  main: { path: \"//depot/main/...\"\n", Known));

        Assert.StartsWith("line ", Assert.Single(error.Errors).Key, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownKey_SaidPlainlyWithItsLine()
    {
        var error = Assert.Throws<WorkflowInputException>(() => BranchGraphYaml.Read("edges:\n  - source: a\n    target: b\n    flwo: manual\n", Known));

        var (line, messages) = Assert.Single(error.Errors);
        Assert.Equal("line 4", line);
        Assert.Equal("unknown key 'flwo' in edge", Assert.Single(messages));
    }

    [Fact]
    public void Read_BrokenRules_EachNamedByItsEdgeAndField()
    {
        const string yaml = """
            nodes:
              main: { path: "//depot/main/..." }
              rel: { path: "depot/rel", server: "nowhere" }
              "bad name": { path: "//depot/x/..." }
            edges:
              - { source: main, target: rel, flow: sometimes, workflow: nope }
              - { source: main, target: main }
              - { source: main, target: ghost, gate: { counter: c, url: "http://x" } }
              - { source: rel, target: main, window: { from: "25:00", to: "06:00", days: [someday] }, exclusions: { description: "([" } }
            """;

        var errors = Assert.Throws<WorkflowInputException>(() => BranchGraphYaml.Read(yaml, Known)).Errors;

        Assert.Contains("nodes[rel].path", errors.Keys);
        Assert.Contains("'nowhere' is not one of perforce.servers (main-server).", errors["nodes[rel].server"]);
        Assert.Contains("nodes[bad name].name", errors.Keys);
        Assert.Contains("flow is automatic or manual (got 'sometimes').", errors["edges[main -> rel].flow"]);
        Assert.Contains("no published workflow is named 'nope'.", errors["edges[main -> rel].workflow"]);
        Assert.Contains("an edge goes from one branch to another, not to itself.", errors["edges[main -> main].target"]);
        Assert.Contains("no node is named 'ghost'.", errors["edges[main -> ghost].target"]);
        Assert.Contains("a gate is either a counter or a url.", errors["edges[main -> ghost].gate"]);
        Assert.Contains("edges[rel -> main].window.from", errors.Keys);
        Assert.Contains("edges[rel -> main].window.days", errors.Keys);
        Assert.Contains("edges[rel -> main].exclusions.description", errors.Keys);
    }

    [Theory]
    [InlineData("//depot/main/...", true)]
    [InlineData("//streams/main", true)]
    [InlineData("//depot/...", true)]
    [InlineData("//depot", false)]
    [InlineData("//depot/main/*.c", false)]
    [InlineData("//depot/.../x/...", false)]
    [InlineData("depot/main/...", false)]
    [InlineData("//depot/main/...@42", false)]
    public void IsBranchPath_DepotPathsAndStreamsOnly(string path, bool expected) => Assert.Equal(expected, BranchGraphRules.IsBranchPath(path));

    [Fact]
    public void Check_TheSameEdgeTwiceAndTwoNodesOnOnePath_Refused()
    {
        var graph = new BranchGraph(
            [new BranchNode("a", "//depot/a/..."), new BranchNode("b", "//depot/b/..."), new BranchNode("b2", "//depot/b/...")],
            [new BranchEdge("a", "b"), new BranchEdge("a", "b", Flow: BranchEdge.Manual)]);

        var errors = BranchGraphRules.Check(graph, Known);

        Assert.Equal(["this edge is there twice."], errors["edges[a -> b]"]);
        Assert.Equal(["node 'b' is //depot/b/... on the same server already."], errors["nodes[b2].path"]);
    }
}

/// <summary>The graphs the repository ships: the template (empty, its example in comments) and the demo's main -> rel.</summary>
public sealed class ShippedGraphTests
{
    private static readonly GraphContext Published = new(null, new HashSet<string> { "p4-integrate" });

    [Fact]
    public void ConfigBranchesYaml_IsAnEmptyGraph_AndItsCommentedExampleIsAGoodOne()
    {
        var text = File.ReadAllText(Path.Combine(P4Flow.TestSupport.OrchestratorBuild.RepositoryRoot, "config", "branches.yaml"));
        Assert.Empty(BranchGraphYaml.Read(text, Published).Edges);

        // The example, uncommented, is read as it says.
        var example = string.Join('\n', text.Split('\n').Where(l => l.StartsWith("# ", StringComparison.Ordinal) && l.Length > 2 && (l[2] == ' ' || l[2..].StartsWith("nodes:", StringComparison.Ordinal) || l[2..].StartsWith("edges:", StringComparison.Ordinal)))
            .Select(l => l[2..]));
        var graph = BranchGraphYaml.Read(example, new GraphContext(new HashSet<string> { "main" }, Published.Workflows));
        Assert.Equal(["main -> rel", "main -> dev"], graph.Edges.Select(e => e.Id));
        Assert.Equal(["mon", "tue", "wed", "thu", "fri"], graph.Edge("main -> rel")!.Window!.Days!);
    }

    [Fact]
    public void ConfigBranchesDemoYaml_MainFlowsToRel()
    {
        var graph = BranchGraphYaml.Read(File.ReadAllText(Path.Combine(P4Flow.TestSupport.OrchestratorBuild.RepositoryRoot, "config", "branches.demo.yaml")), Published);

        var edge = Assert.Single(graph.Edges);
        Assert.Equal(("//depot/main/...", "//depot/rel/..."), (graph.Node(edge.Source)!.Path, graph.Node(edge.Target)!.Path));
        Assert.Equal(BranchEdge.Automatic, edge.Flow);
    }
}

/// <summary>What an edge does with each change it sees, and why.</summary>
public sealed class ChangeRulesTests
{
    private static readonly BranchNode Rel = new("rel", "//depot/rel/...");
    private static readonly BranchEdge ToRel = new("main", "rel", Exclusions: new EdgeExclusions(Authors: ["buildbot"], Description: "^\\[no-merge\\]"));
    private static readonly BranchEdge ManualToRel = new("main", "rel", Flow: BranchEdge.Manual);

    private static (string Status, string? Reason) Decide(string description, BranchEdge? edge = null, string user = "alice") =>
        P4Flow.Branches.Watch.ChangeRules.Decide(new P4Flow.Branches.Store.SubmittedChange(42, user, description), edge ?? ToRel, Rel);

    [Theory]
    [InlineData("Fix the build", "pending", null)]
    [InlineData("Fix\n\n#p4flow ignore", "skipped", "tagged #p4flow ignore: integrated nowhere")]
    [InlineData("Fix\n#p4flow deadend", "skipped", "tagged #p4flow deadend: it stays on its branch")]
    [InlineData("Fix\n#p4flow -rel", "skipped", "tagged #p4flow -rel: not to rel")]
    [InlineData("Fix\n#p4flow -dev", "pending", null)]
    [InlineData("[no-merge] local tweak", "skipped", "its description matches this edge's exclusions.description (^\\[no-merge\\])")]
    [InlineData("Integrate\n#p4flow-source: CL 7 in //depot/rel/...\n#p4flow-job: x", "skipped", "P4Flow brought it from //depot/rel/...: it is never integrated back there")]
    [InlineData("Integrate\n#p4flow-source: CL 7 in //depot/dev/...", "pending", null)]
    [InlineData("Revert a rel-only fix\n#p4flow !rel", "pending", "tagged #p4flow !rel: recorded as integrated with nothing merged")]
    public void Decide_AutomaticEdge(string description, string status, string? reason) => Assert.Equal((status, reason), Decide(description));

    [Fact]
    public void Decide_ExcludedAuthor_Skipped() =>
        Assert.Equal(("skipped", "its author buildbot is excluded on this edge (exclusions.authors)"), Decide("Bump version", user: "buildbot"));

    [Fact]
    public void Decide_ManualEdge_WaitsForApprovalUnlessTaggedForIt()
    {
        Assert.Equal(("awaiting_approval", null), Decide("Fix", ManualToRel));
        Assert.Equal(("pending", "tagged #p4flow rel: sent down this manual edge"), Decide("Fix\n#p4flow rel", ManualToRel));
        Assert.Equal(("pending", "tagged #p4flow !rel: recorded as integrated with nothing merged"), Decide("Fix\n#p4flow !rel", ManualToRel));
    }

    [Fact]
    public void IsNullMerge_OnlyForTheTaggedTarget()
    {
        Assert.True(P4Flow.Branches.Watch.ChangeRules.IsNullMerge("Fix\n#p4flow !REL", Rel));
        Assert.False(P4Flow.Branches.Watch.ChangeRules.IsNullMerge("Fix\n#p4flow !dev", Rel));
        Assert.False(P4Flow.Branches.Watch.ChangeRules.IsNullMerge("Fix\n#p4flow -rel", Rel));
    }

    private static readonly BranchEdge DocsExcluded = new("main", "rel", Exclusions: new EdgeExclusions(Paths: ["//depot/main/docs/...", "//depot/main/*.md"]));

    [Fact]
    public void DecideByFiles_EveryFileExcluded_Skipped() =>
        Assert.Equal(("skipped", "it touches only paths this edge excludes (exclusions.paths: //depot/main/docs/..., //depot/main/*.md)"),
            P4Flow.Branches.Watch.ChangeRules.DecideByFiles(["//depot/main/docs/a/guide.txt", "//depot/main/README.md"], DocsExcluded));

    [Fact]
    public void DecideByFiles_AnyFileOutsideTheExclusions_LeftToIntegrate()
    {
        Assert.Null(P4Flow.Branches.Watch.ChangeRules.DecideByFiles(["//depot/main/docs/guide.txt", "//depot/main/src/a.c"], DocsExcluded));
        // '*' stays within a folder: a .md deeper down is not excluded.
        Assert.Null(P4Flow.Branches.Watch.ChangeRules.DecideByFiles(["//depot/main/sub/notes.md"], DocsExcluded));
        // Too many files to keep (null): never skipped on paths.
        Assert.Null(P4Flow.Branches.Watch.ChangeRules.DecideByFiles(null, DocsExcluded));
    }
}

/// <summary>A URL gate's answer: a changelist as the whole body or as {"change": N}; anything else is no answer.</summary>
public sealed class UrlGateTests
{
    [Theory]
    [InlineData("1234", 1234)]
    [InlineData(" 1234\n", 1234)]
    [InlineData("{\"change\": 77}", 77)]
    [InlineData("{\"change\": \"78\"}", 78)]
    [InlineData("{\"change\": -1}", null)]
    [InlineData("-5", null)]
    [InlineData("<html>ok</html>", null)]
    [InlineData("{\"last\": 5}", null)]
    [InlineData("", null)]
    public void Parse(string body, int? expected) => Assert.Equal(expected, P4Flow.Branches.Watch.HttpUrlGate.Parse(body));

    [Fact]
    public async Task LastGood_FromARealHttpServer_ReadsTheNumberAndRefusesAnError()
    {
        using var listener = new System.Net.HttpListener();
        var port = FreePort();
        var prefix = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(prefix);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var context = await listener.GetContextAsync();
                var good = context.Request.Url!.AbsolutePath == "/good";
                context.Response.StatusCode = good ? 200 : 503;
                await using (var writer = new StreamWriter(context.Response.OutputStream))
                    await writer.WriteAsync(good ? "{\"change\": 41}" : "down");
            }
        });
        using var gate = new P4Flow.Branches.Watch.HttpUrlGate();

        Assert.Equal(41, await gate.LastGoodAsync(new Uri(prefix + "good"), CancellationToken.None));
        var refused = await Assert.ThrowsAsync<P4Flow.Branches.Watch.UrlGateException>(() => gate.LastGoodAsync(new Uri(prefix + "down"), CancellationToken.None));
        Assert.Contains("answered 503", refused.Message, StringComparison.Ordinal);
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>An edge's integration window, in UTC.</summary>
public sealed class IntegrationWindowTests
{
    [Theory]
    [InlineData("09:00", "17:00", null, "2026-12-07T08:59:00Z", false)]
    [InlineData("09:00", "17:00", null, "2026-12-07T09:00:00Z", true)]
    [InlineData("09:00", "17:00", null, "2026-12-07T17:00:00Z", false)]
    [InlineData("22:00", "06:00", null, "2026-12-07T23:30:00Z", true)]
    [InlineData("22:00", "06:00", null, "2026-12-08T05:59:00Z", true)]
    [InlineData("22:00", "06:00", null, "2026-12-08T06:00:00Z", false)]
    [InlineData("22:00", "06:00", "mon", "2026-12-08T01:00:00Z", true)]   // opened Monday night, now Tuesday
    [InlineData("22:00", "06:00", "tue", "2026-12-08T01:00:00Z", false)]
    [InlineData("09:00", "17:00", "sat,sun", "2026-12-07T10:00:00Z", false)] // a Monday
    public void Contains(string from, string to, string? days, string at, bool expected) =>
        Assert.Equal(expected, new IntegrationWindow(from, to, days?.Split(',')).Contains(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
}
