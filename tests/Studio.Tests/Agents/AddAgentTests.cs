using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Agents;

[Collection(StudioCollection.Name)]
public sealed class AddAgentTests(StudioFixture studio)
{
    [Fact]
    public async Task AddAgent_FormWithMistakesThenHubOff_NamesEachFieldThenSaysWhy()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("add-agent", async () =>
        {
            await page.OpenAsync("/agents", "agents");
            await page.Locator("[data-action='add-agent']").ClickAsync();
            var form = page.Locator("[data-add-agent-form]");
            await form.WaitForAsync();

            await page.Locator("[data-action='bootstrap']").ClickAsync();
            await Assertions.Expect(form.Locator("[data-field='host']")).ToContainTextAsync("host must be a host name");
            await Assertions.Expect(form.Locator("[data-field='keyRef']")).ToContainTextAsync("keyRef must name the SSH private key");
            await Assertions.Expect(form.Locator("[data-field='agentName']")).ToContainTextAsync("agentName may hold");

            await form.Locator("[data-field='host'] input").FillAsync("127.0.0.1");
            await form.Locator("[data-field='keyRef'] input").FillAsync("/no/such/key");
            await form.Locator("[data-field='agentName'] input").FillAsync("build-9");
            await page.Locator("[data-action='bootstrap']").ClickAsync();
            await Assertions.Expect(form.Locator("[data-field='keyRef']")).ToContainTextAsync("no such key on the orchestrator");
            await Assertions.Expect(form.Locator("[data-field='host']")).Not.ToContainTextAsync("host must be");

            // A key that exists: the form is good, and this orchestrator runs commands locally, without a hub.
            var key = Path.GetTempFileName();
            await form.Locator("[data-field='keyRef'] input").FillAsync(key);
            await page.Locator("[data-action='bootstrap']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-bootstrap-result='failed']")).ToContainTextAsync("the agent hub is off");
            File.Delete(key);
        });
    }
}
