using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Workflows;

/// <summary>A person builds a workflow in the designer, fixes what validation finds, publishes it, runs it and watches it.</summary>
[Collection(StudioCollection.Name)]
public sealed class BuildAndRunTests(StudioFixture studio)
{
    [Fact]
    public async Task Designer_ThreeActivitiesDraggedAndConnected_ValidatesPublishesRunsAndShowsLiveStates()
    {
        var page = await studio.NewPageAsync();
        var id = "built-" + Guid.NewGuid().ToString("N")[..6];

        await page.ScreenshotOnFailureAsync("build-and-run", async () =>
        {
            // Create: a new workflow starts with a Start activity.
            await page.OpenAsync("/", "workflows");
            await page.GetByRole(AriaRole.Button, new() { Name = "New workflow" }).ClickAsync();
            await page.GetByLabel("Name").FillAsync("Built in the browser");
            // The id is derived from the name on the server; typing it before that render lands appends to the slug.
            await Assertions.Expect(page.GetByLabel("Definition id")).ToHaveValueAsync("built-in-the-browser");
            await page.GetByLabel("Definition id").FillAsync(id);
            await Assertions.Expect(page.GetByLabel("Definition id")).ToHaveValueAsync(id);
            await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
            await page.WaitReadyAsync("designer");
            await Assertions.Expect(page.Node("start")).ToHaveCountAsync(1);

            // Three activities dragged from the toolbox, then connected port to node.
            await page.DragActivityAsync("SetVariable", 330, 140);
            await page.DragActivityAsync("WaitForSignal", 580, 260);
            await page.DragActivityAsync("Finish", 830, 380);
            await Assertions.Expect(page.Locator(".designer-canvas rect[data-activity]")).ToHaveCountAsync(4);
            await page.ConnectAsync("start", "Done", "setVariable");
            await page.ConnectAsync("setVariable", "Done", "waitForSignal");
            await page.ConnectAsync("waitForSignal", "Done", "finish");
            await Assertions.Expect(page.Edges()).ToHaveCountAsync(3);

            // Inputs from the property panel; the wait's signal is left out on purpose.
            await page.Node("setVariable").ClickAsync();
            await page.Locator("[data-field='variable'] input[type=text]").FillAsync("greeting");
            await page.Locator("[data-field='variable'] input[type=text]").PressAsync("Tab");
            await page.Locator("[data-field='value'] textarea").First.FillAsync("'hello'");
            await page.Locator("[data-field='value'] textarea").First.PressAsync("Tab");

            await page.Locator("[data-action='validate']").ClickAsync();
            await Assertions.Expect(page.Node("waitForSignal")).ToHaveAttributeAsync("data-error", "true");
            await Assertions.Expect(page.Locator("[data-problems]")).ToContainTextAsync("missing required input 'signal'");
            await page.ScreenshotAsync("designer-validation-errors");

            // Fix it where the problem points.
            await page.Node("waitForSignal").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='signal']")).ToContainTextAsync("missing required input 'signal'");
            await page.Locator("[data-field='signal'] input[type=text]").FillAsync("go");
            await page.Locator("[data-field='signal'] input[type=text]").PressAsync("Tab");
            await page.Locator("[data-action='validate']").ClickAsync();
            await Assertions.Expect(page.Node("waitForSignal")).ToHaveAttributeAsync("data-error", "false");

            await page.Locator("[data-action='publish']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-version-chip]")).ToContainTextAsync("v1 published");
            await page.ScreenshotAsync("designer-built");

            // Run it and watch: no reload between the job waiting and the job finishing.
            await page.Locator("[data-action='run']").ClickAsync();
            await page.Locator("[data-action='start-run']").ClickAsync();
            await page.WaitReadyAsync("job");
            var jobId = page.Url.Split('/')[^1];
            await page.EvaluateAsync("() => window.__sameDocument = true");
            await Assertions.Expect(page.Node("waitForSignal")).ToHaveAttributeAsync("data-state", "waiting");
            await Assertions.Expect(page.Node("setVariable")).ToHaveAttributeAsync("data-state", "done");
            await Assertions.Expect(page.Node("finish")).ToHaveAttributeAsync("data-state", "notReached");
            await page.ScreenshotAsync("job-waiting");

            using var resume = await studio.Orchestrator.Client.PostAsJsonAsync($"/api/jobs/{jobId}/resume", new JsonObject { ["bookmark"] = "go" });
            Assert.True(resume.IsSuccessStatusCode, await resume.Content.ReadAsStringAsync());

            await Assertions.Expect(page.Node("finish")).ToHaveAttributeAsync("data-state", "done");
            await Assertions.Expect(page.Node("waitForSignal")).ToHaveAttributeAsync("data-state", "done");
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-status", "Finished");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the job view reloaded");
            await page.ScreenshotAsync("job-finished");

            // The Studio's publish and run are in the audit log under the signed-in user, as the API's would be.
            var audit = await studio.Orchestrator.GetJsonAsync("/api/audit?user=admin&pageSize=500");
            var events = audit["items"]!.AsArray().Select(e => (Type: e!["event_type"]!.GetValue<string>(), Target: e["target"]?.GetValue<string>(), Result: e["result"]!.GetValue<string>())).ToList();
            Assert.Contains(("WORKFLOW_PUBLISHED", id, "SUCCESS"), events);
            Assert.Contains(("JOB_STARTED", id, "SUCCESS"), events);
        });
    }
}
