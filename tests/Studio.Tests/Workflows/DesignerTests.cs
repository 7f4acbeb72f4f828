using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Workflows;

[Collection(StudioCollection.Name)]
public sealed class DesignerTests(StudioFixture studio)
{
    [Fact]
    public async Task Open_Pipeline_DrawsEveryActivityWithStageLabels()
    {
        var page = await studio.NewPageAsync();

        await page.OpenAsync("/workflows/p4-integrate", "designer");

        await Assertions.Expect(page.Locator("rect[data-activity]")).ToHaveCountAsync(15);
        await Assertions.Expect(page.Locator(".designer-canvas g[data-cell-id='sync']")).ToContainTextAsync("SYNC");
        await page.ScreenshotAsync("designer-p4-integrate");
    }
}
