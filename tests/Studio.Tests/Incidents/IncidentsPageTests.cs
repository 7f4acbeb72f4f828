using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Incidents;

/// <summary>An orchestrator whose last run did not stop cleanly: its run file is still there when it starts.</summary>
public sealed class CrashedStudioFixture : StudioFixture
{
    protected override Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        var home = OrchestratorProcess.CreateHome();
        Directory.CreateDirectory(Path.Combine(home, "data"));
        File.WriteAllText(Path.Combine(home, "data", "orchestrator.run"), """{"pid": 4194303, "startedAt": "2026-12-06T08:00:00+00:00"}""");
        return Task.FromResult(OrchestratorProcess.Start(home, environment: new Dictionary<string, string> { ["P4FLOW_commands__runner"] = "local" }));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Orchestrator.Home)) Directory.Delete(Orchestrator.Home, recursive: true);
    }
}

/// <summary>The Incidents page shows what the MASTER_CRASH playbook did at this start, step by step.</summary>
public sealed class IncidentsPageTests(CrashedStudioFixture studio) : IClassFixture<CrashedStudioFixture>
{
    [Fact]
    public async Task Incidents_AfterAnUncleanStop_ShowsTheCrashPlaybookAndItsSteps()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("incidents", async () =>
        {
            await page.OpenAsync("/incidents", "incidents");
            var incident = page.Locator("[data-playbook='MASTER_CRASH']");
            await Assertions.Expect(incident).ToHaveCountAsync(1);
            await Assertions.Expect(incident).ToHaveAttributeAsync("data-outcome", "recovered");
            await Assertions.Expect(incident.Locator("[data-step='detect']")).ToContainTextAsync("the run started 2026-12-06 08:00:00 UTC as process 4194303 did not stop cleanly");
            await Assertions.Expect(incident.Locator("[data-step='recover']")).ToContainTextAsync("no job was unfinished");
            await Assertions.Expect(incident.Locator("[data-step='notify']")).ToContainTextAsync("skipped");
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Incidents" })).ToBeVisibleAsync();

            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(serious.Count == 0, "axe: " + string.Join("; ", serious));
        });
    }
}
