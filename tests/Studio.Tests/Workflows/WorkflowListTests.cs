using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Workflows;

[Collection(StudioCollection.Name)]
public sealed class WorkflowListTests(StudioFixture studio)
{
    [Fact]
    public async Task Open_PublishedWorkflows_ListsThemWithVersions()
    {
        var page = await studio.NewPageAsync();

        await page.OpenAsync("/", "workflows");

        var row = page.Locator("tr[data-definition='p4-integrate']");
        await Assertions.Expect(row).ToContainTextAsync("P4 integrate");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("v1");
        await page.ScreenshotAsync("workflow-list");
    }
}
