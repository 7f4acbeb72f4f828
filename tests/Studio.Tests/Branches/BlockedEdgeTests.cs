using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Branches;

/// <summary>
/// The bot on the simulator with main -> rel: a change on main conflicts with a fix made on rel, so its job parks in
/// NEEDS_RESOLVE and the edge is blocked by it when the page opens.
/// </summary>
public sealed class BlockedEdgeFixture : StudioFixture
{
    private const string Base = "one\ntwo\nthree\n";

    public SimDepot Depot { get; private set; } = null!;
    public int Conflicting { get; private set; }

    protected override async Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        Depot = await SimDepot.CreateAsync();
        await Depot.SubmitAsync("Initial", ("main/a.txt", Base, null));
        await Depot.BranchAsync();
        await Depot.SubmitAsync("Fix on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
            edges:
              - { source: main, target: rel }
            """);
        return OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "local",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__servers__main__port"] = Depot.Root,
            ["P4FLOW_perforce__servers__main__user"] = "p4flow",
            ["P4FLOW_branches__poll_interval"] = "1",
            ["P4FLOW_state_management__resolve_check_interval"] = "3600",
        });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Eventually.Until(() => Orchestrator.GetJsonAsync("/api/branches/edges/main/rel/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), "main -> rel to start watching");
        await Depot.SubmitAsync("TWO on main", ("main/a.txt", Base.Replace("two", "TWO", StringComparison.Ordinal), null));
        Conflicting = int.Parse((await Depot.RunAsync("changes", "-m", "1")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.Until(() => Orchestrator.GetJsonAsync("/api/branches/edges/main/rel/changes"),
            e => e["changes"]!.AsArray().Any(c => c!["status"]!.GetValue<string>() == "needs_resolve"), TimeSpan.FromMinutes(3), "the conflicting change to park");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Orchestrator.Home)) Directory.Delete(Orchestrator.Home, recursive: true);
    }
}

/// <summary>A blocked edge shows whose change holds it; skipping that change with a reason unblocks it, and the edge's page keeps it.</summary>
public sealed class BlockedEdgeTests(BlockedEdgeFixture studio) : IClassFixture<BlockedEdgeFixture>
{
    [Fact]
    public async Task BlockedEdge_ShowsItsOwner_SkipWithAReasonUnblocksIt()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("branches-blocked", async () =>
        {
            await page.OpenAsync("/branches", "branches");
            var row = page.Locator("tr[data-edge='main -> rel']");
            await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "blocked");
            await Assertions.Expect(row.Locator("[data-state]")).ToContainTextAsync($"CL {studio.Conflicting} by dev (needs resolve)");
            await Assertions.Expect(page.Locator("[data-branch-canvas]")).ToContainTextAsync($"blocked: CL {studio.Conflicting} by dev");

            await row.Locator("[data-action='skip']").ClickAsync();
            var form = page.Locator("tr[data-skip-form='main -> rel']");
            await Assertions.Expect(form.Locator("[data-action='confirm-skip']")).ToBeDisabledAsync();
            await form.GetByLabel($"Why skip CL {studio.Conflicting}? (kept on the edge)").FillAsync("rel keeps its own fix");
            await form.Locator("[data-action='confirm-skip']").ClickAsync();

            await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "flowing");
            var change = await studio.Orchestrator.GetJsonAsync($"/api/changes/main/{studio.Conflicting}");
            var edge = change["edges"]!.AsArray().Single()!;
            Assert.Equal("skipped", edge["status"]!.GetValue<string>());
            Assert.Equal("skipped by admin: rel keeps its own fix", edge["reason"]!.GetValue<string>());
            // Its parked job was cancelled with the skip, saying so.
            var jobId = edge["jobId"]!.GetValue<string>();
            var job = await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}");
            Assert.Equal("Cancelled", job["status"]!.GetValue<string>());

            // The edge's page keeps the skipped change in its history, with its reason and its job.
            await row.Locator("[data-edge-link]").ClickAsync();
            await page.WaitReadyAsync("branch-edge");
            var history = page.Locator($"tr[data-change='{studio.Conflicting}']");
            await Assertions.Expect(history).ToHaveAttributeAsync("data-status", "skipped");
            await Assertions.Expect(history.Locator("[data-reason]")).ToHaveTextAsync("skipped by admin: rel keeps its own fix");
            await Assertions.Expect(history.Locator("[data-job-link]")).ToHaveAttributeAsync("href", $"jobs/{jobId}");
        });
    }
}
