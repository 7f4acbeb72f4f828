using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Security;

/// <summary>The Studio behind its sign-in: strangers go to /login, and a viewer sees but cannot change or run.</summary>
[Collection(StudioCollection.Name)]
public sealed class SignInTests(StudioFixture studio)
{
    [Fact]
    public async Task Open_WithoutSigningIn_SentToLogin_WrongPasswordRefused()
    {
        var page = await studio.NewContextPageAsync(null);
        await page.ScreenshotOnFailureAsync("sign-in", async () =>
        {
            await page.GotoAsync("/jobs");

            Assert.Contains("/login?returnUrl=%2Fjobs", page.Url, StringComparison.Ordinal);
            await page.GetByLabel("User name").FillAsync("admin");
            await page.GetByLabel("Password").FillAsync("not the password at all");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong user name or password");

            // The right password lands on the page first asked for.
            await page.GetByLabel("User name").FillAsync("admin");
            await page.GetByLabel("Password").FillAsync(ApiKeys.AdminPassword(studio.Orchestrator.Home));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitReadyAsync("jobs");
            Assert.EndsWith("/jobs", page.Url, StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
            await page.GotoAsync("/");
            Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_SeesWorkflowsAndJobs_WithoutPublishRunOrAgents()
    {
        var name = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "a viewer's long password";
        using var saved = await studio.Orchestrator.Client.PutAsJsonAsync($"/api/users/{name}", new { role = "viewer", password });
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        var definitionId = await studio.Orchestrator.CreateDraftAsync("viewed");

        var page = await studio.NewContextPageAsync(await studio.SignedInStateAsync(name, password));
        await page.ScreenshotOnFailureAsync("viewer", async () =>
        {
            await page.OpenAsync("/", "workflows");
            var row = page.Locator("tr[data-definition='p4-integrate']");
            await Assertions.Expect(row).ToContainTextAsync("P4 integrate");
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Run P4 integrate" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New workflow" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Agents" })).ToHaveCountAsync(0);

            await page.OpenAsync($"/workflows/{definitionId}", "designer");
            await Assertions.Expect(page.Locator("[data-action='validate']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-action='publish']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-action='save']")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-action='run']")).ToHaveCountAsync(0);

            var agents = await page.GotoAsync("/agents");
            Assert.Equal(403, agents!.Status);
        });
        await page.Context.CloseAsync();

        // Still a draft: nothing the viewer saw could publish it.
        var versions = await studio.Orchestrator.GetJsonAsync($"/api/workflow-definitions/{definitionId}");
        Assert.False(versions["isPublished"]!.GetValue<bool>());
    }
}
