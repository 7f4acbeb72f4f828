using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

/// <summary>A p4-integrate job on the simulator's demo depot stops in NEEDS_RESOLVE; Continue answers from the job view.</summary>
[Collection(StudioCollection.Name)]
public sealed class ContinueTests(StudioFixture studio)
{
    [Fact]
    public async Task Continue_NeedsResolve_ListsRemainingConflictThenMovesOnOnceResolved()
    {
        var depot = await SimDepot.CreateDemoAsync();
        var page = await studio.NewPageAsync();
        using var cleanup = depot;
        await page.ScreenshotOnFailureAsync("continue", async () =>
        {
            // Started from the workflow list with the run form built from the workflow's inputs.
            await page.OpenAsync("/", "workflows");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run P4 integrate" }).ClickAsync();
            await page.Locator("[data-input='source'] input").FillAsync("//depot/main/...");
            await page.Locator("[data-input='target'] input").FillAsync("//depot/rel/...");
            await page.Locator("[data-input='description'] input").FillAsync("Integrate main to rel from the Studio");
            await page.Locator("[data-input='p4port'] input").FillAsync(depot.Root);
            await page.ScreenshotAsync("run-form");
            await page.Locator("[data-action='start-run']").ClickAsync();
            await page.WaitReadyAsync("job");
            var jobId = page.Url.Split('/')[^1];

            var view = page.Locator("[data-page='job']");
            await Assertions.Expect(view).ToHaveAttributeAsync("data-stage", "NEEDS_RESOLVE", new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("[data-conflicts]")).ToContainTextAsync("conflict.c");
            await Assertions.Expect(page.Node("needsResolve")).ToHaveAttributeAsync("data-state", "waiting");
            await Assertions.Expect(page.Node("integrate")).ToHaveAttributeAsync("data-state", "done");

            // Continue before anyone resolved: the answer lists what remains and the job stays.
            await page.Locator("[data-action='continue']").ClickAsync();
            var answer = page.Locator("[data-continue-result]");
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-continue-result", "conflicts");
            await Assertions.Expect(answer).ToContainTextAsync("conflict.c");
            await Assertions.Expect(view).ToHaveAttributeAsync("data-stage", "NEEDS_RESOLVE");
            await page.ScreenshotAsync("job-needs-resolve");

            // Someone takes it: the page says who, and the button is gone (its reminders stop).
            await Assertions.Expect(page.Locator("[data-job-started-by]")).ToHaveTextAsync("admin");
            await Assertions.Expect(page.Locator("[data-job-acknowledged]")).ToContainTextAsync("not yet");
            await page.Locator("[data-action='acknowledge']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-job-acknowledged]")).ToContainTextAsync("by admin");
            await Assertions.Expect(page.Locator("[data-action='acknowledge']")).ToHaveCountAsync(0);
            var acknowledged = await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}");
            Assert.Equal("admin", acknowledged["acknowledged"]!["by"]!.GetValue<string>());

            // A person resolves in the job's workspace; Continue now moves it on, and the view follows live.
            await depot.RunInJobWorkspaceAsync(Path.Combine(studio.Orchestrator.Home, "data", "workspaces", jobId), "p4flow", $"p4flow-{jobId}", "resolve", "-at");
            await page.Locator("[data-action='continue']").ClickAsync();
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-continue-result", "resolved");
            await Assertions.Expect(view).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("[data-timeline]")).ToContainTextAsync("P4PUSH");
            await page.ScreenshotAsync("job-completed");
            // The diagram followed the job to its end; picking the activity from the list brings it back into view.
            await page.Locator("button.toolbox-item", new() { HasText = "needsResolve" }).First.ClickAsync();
            await Assertions.Expect(page.Node("needsResolve")).ToHaveAttributeAsync("data-state", "done");
            // The job's history says who pressed Continue, and where.
            var job = await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}");
            var outputs = job["activities"]!.AsArray().Single(a => a!["activityId"]!.GetValue<string>() == "needsResolve")!["outputs"]!.ToJsonString();
            Assert.Contains("admin (studio)", outputs, StringComparison.Ordinal);
        });
    }
}
