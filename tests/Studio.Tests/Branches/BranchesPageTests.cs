using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Branches;

/// <summary>An orchestrator that loaded a branch graph from its config/branches.yaml: main flows to rel, and to dev by hand.</summary>
public sealed class BranchesStudioFixture : StudioFixture
{
    protected override Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        var home = OrchestratorProcess.CreateHome();
        File.WriteAllText(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/..." }
              rel: { path: "//depot/rel/..." }
              dev: { path: "//depot/dev/..." }
            edges:
              - { source: main, target: rel, gate: { counter: main-good } }
              - { source: main, target: dev, flow: manual }
            """);
        return Task.FromResult(OrchestratorProcess.Start(home, environment: new Dictionary<string, string> { ["P4FLOW_commands__runner"] = "local" }));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Orchestrator.Home)) Directory.Delete(Orchestrator.Home, recursive: true);
    }
}

/// <summary>The Branches page draws the graph with X6 and lists its edges; an operator pauses one there.</summary>
public sealed class BranchesPageTests(BranchesStudioFixture studio) : IClassFixture<BranchesStudioFixture>
{
    [Fact]
    public async Task Branches_GraphDrawnWithItsEdges_PauseStopsAnEdgeAndTheDrawingSaysSo()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("branches", async () =>
        {
            await page.OpenAsync("/branches", "branches");
            var canvas = page.Locator("[data-branch-canvas]");
            await Assertions.Expect(canvas).ToHaveAttributeAsync("data-rendered", "3");
            await Assertions.Expect(canvas.Locator(".x6-node")).ToHaveCountAsync(3);
            await Assertions.Expect(canvas.Locator(".x6-edge")).ToHaveCountAsync(2);
            await Assertions.Expect(canvas).ToContainTextAsync("//depot/rel/...");
            await Assertions.Expect(canvas).ToContainTextAsync("gate: counter main-good");
            var toRel = page.Locator("tr[data-edge='main -> rel']");
            await Assertions.Expect(toRel.Locator("[data-state]")).ToHaveTextAsync("flowing");
            await Assertions.Expect(page.Locator("tr[data-edge='main -> dev']")).ToContainTextAsync("manual");

            await toRel.Locator("[data-action='pause']").ClickAsync();

            await Assertions.Expect(toRel).ToHaveAttributeAsync("data-paused", "true");
            await Assertions.Expect(toRel.Locator("[data-state]")).ToHaveTextAsync("paused");
            await Assertions.Expect(canvas).ToContainTextAsync("automatic · paused");
            var graph = await studio.Orchestrator.GetJsonAsync("/api/branches");
            Assert.True(graph["edges"]!.AsArray().Single(e => e!["id"]!.GetValue<string>() == "main -> rel")!["edge"]!["paused"]!.GetValue<bool>());
            Assert.Equal("admin", graph["updatedBy"]!.GetValue<string>());
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Branches" })).ToBeVisibleAsync();

            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(serious.Count == 0, "axe: " + string.Join("; ", serious));
        });
    }
}
