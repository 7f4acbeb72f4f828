using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

[Collection(StudioCollection.Name)]
public sealed class JobListTests(StudioFixture studio)
{
    [Fact]
    public async Task JobList_JobStartedAndResumedElsewhere_RowAppearsAndFollowsStagesWithoutReload()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("job-list", async () =>
        {
            await page.OpenAsync("/jobs", "jobs");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            // A job started through the API shows up in the open list, then moves as the engine moves it.
            var jobId = await studio.Orchestrator.StartJobAsync("hello-p4flow", new JsonObject { ["greeting"] = "hi" });
            var row = page.Locator($"tr[data-job='{jobId}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-stage", "NEEDS_APPROVAL");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Suspended");
            await page.ScreenshotAsync("job-list");

            // PAUSE lasts the workflow's 2 s delay: the page notes every stage the row shows, so that a busy machine's
            // slow polling cannot miss it.
            await page.EvaluateAsync(NoteStages, jobId);
            using var resume = await studio.Orchestrator.Client.PostAsJsonAsync($"/api/jobs/{jobId}/resume", new JsonObject { ["bookmark"] = "approve" });
            resume.EnsureSuccessStatusCode();
            await page.WaitForFunctionAsync("() => window.__stages.includes('PAUSE')");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 120_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the jobs list reloaded");

            // Filters narrow the list.
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Stage" }).FillAsync("NO_SUCH_STAGE");
            await page.GetByRole(AriaRole.Textbox, new() { Name = "Stage" }).PressAsync("Enter");
            await Assertions.Expect(row).ToHaveCountAsync(0);
        });
    }

    /// <summary>Records in window.__stages each data-stage the job's row takes from now on.</summary>
    private const string NoteStages = """
        id => {
          window.__stages = [];
          const note = () => {
            const stage = document.querySelector(`tr[data-job='${id}']`)?.getAttribute('data-stage');
            if (stage && window.__stages.at(-1) !== stage) window.__stages.push(stage);
          };
          new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-stage'] });
          note();
        }
        """;
}
