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

        // Too wide to fit at a readable size: it opens readable, at its start (only what is on screen is drawn).
        await Assertions.Expect(page.Locator(".designer-canvas g[data-cell-id='sync']")).ToContainTextAsync("SYNC");
        var zoom = double.Parse(await page.Locator(".designer-canvas").GetAttributeAsync("data-zoom") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(zoom >= 0.75, $"the designer opened at zoom {zoom}");
        await page.ScreenshotAsync("designer-p4-integrate");

        // Fit shows the whole flow: every activity drawn.
        await page.GetByRole(AriaRole.Button, new() { Name = "Fit to screen" }).ClickAsync();
        await Assertions.Expect(page.Locator("rect[data-activity]")).ToHaveCountAsync(15);
    }
}
