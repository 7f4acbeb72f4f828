using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

/// <summary>
/// A conflict's owner settles it on the job's page, without a workspace of their own: the file as a person reads it
/// (depot paths, revisions, the change and its author), then theirs or yours taken whole, a binary file offering only
/// those, and a viewer who sees it all and can settle nothing. The edited merge is settled in <see cref="DemoSettleTests"/>.
/// </summary>
[Collection(StudioCollection.Name)]
public sealed class SettleConflictTests(StudioFixture studio)
{
    [Theory]
    [InlineData("take-theirs", "int conflict5 = 50; /* main */")]
    [InlineData("keep-yours", "int conflict5 = 55; /* rel */")]
    public async Task DemoConflict_SettledWithOneSide_DepotHoldsThatSide(string action, string expected)
    {
        using var depot = await SimDepot.CreateDemoAsync();
        var jobId = await StartAsync(depot);
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("settle-" + action, async () =>
        {
            await page.OpenAsync($"/jobs/{jobId}", "job");
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-stage", "NEEDS_RESOLVE", new() { Timeout = 180_000 });
            var file = page.Locator("[data-conflict-file='//depot/rel/conflict.c']");
            await Assertions.Expect(file.Locator("[data-conflict-revisions]")).ToContainTextAsync("//depot/main/conflict.c#2 into //depot/rel/conflict.c#2 (base //depot/main/conflict.c#1)");
            await Assertions.Expect(file.Locator("[data-conflict-reason]")).ToHaveTextAsync("content");
            await Assertions.Expect(file.Locator("[data-conflict-change]")).ToContainTextAsync("Main: change that conflicts with rel, new logo");
            await page.ScreenshotAsync("conflict-panel");

            await file.Locator($"[data-action='{action}']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("[data-settled]")).ToContainTextAsync("//depot/rel/conflict.c");
            await Assertions.Expect(page.Locator("[data-settled]")).ToContainTextAsync("by admin (studio)");
        });
        var submitted = await depot.RunAsync("print", "-q", "//depot/rel/conflict.c");
        Assert.Contains(expected, submitted, StringComparison.Ordinal);
        Assert.DoesNotContain(">>>>", submitted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryConflict_OffersOnlyTheirsOrYours()
    {
        using var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/logo.bin", "PNG-1", "binary"));
        await depot.BranchAsync();
        await depot.SubmitAsync("New logo on main", ("main/logo.bin", "PNG-main", null));
        await depot.SubmitAsync("Other logo on rel", ("rel/logo.bin", "PNG-rel", null));
        var jobId = await StartAsync(depot);
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("settle-binary", async () =>
        {
            await page.OpenAsync($"/jobs/{jobId}", "job");
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-stage", "NEEDS_RESOLVE", new() { Timeout = 180_000 });
            var file = page.Locator("[data-conflict-file='//depot/rel/logo.bin']");
            await Assertions.Expect(file.Locator("[data-conflict-reason]")).ToHaveTextAsync("binary");
            await Assertions.Expect(file.Locator("[data-action='take-theirs']")).ToBeVisibleAsync();
            await Assertions.Expect(file.Locator("[data-action='keep-yours']")).ToBeVisibleAsync();
            await Assertions.Expect(file.Locator("[data-action='show-merge']")).ToHaveCountAsync(0);

            await file.Locator("[data-action='keep-yours']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 180_000 });
        });
        Assert.Equal("PNG-rel", await depot.RunAsync("print", "-q", "//depot/rel/logo.bin"));
    }

    [Fact]
    public async Task Viewer_SeesTheConflict_CannotSettleIt()
    {
        using var depot = await SimDepot.CreateDemoAsync();
        var jobId = await StartAsync(depot);
        await Eventually.Until(() => studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}"), j => j["stage"]?.GetValue<string>() == "NEEDS_RESOLVE", TimeSpan.FromSeconds(180), "the job to need a resolve");
        var name = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "a viewer's long password";
        using (var saved = await studio.Orchestrator.Client.PutAsJsonAsync(new Uri($"/api/users/{name}", UriKind.Relative), new { role = "viewer", password }))
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var page = await studio.NewContextPageAsync(await studio.SignedInStateAsync(name, password));
        await page.ScreenshotOnFailureAsync("settle-viewer", async () =>
        {
            await page.OpenAsync($"/jobs/{jobId}", "job");
            var file = page.Locator("[data-conflict-file='//depot/rel/conflict.c']");
            await Assertions.Expect(file.Locator("[data-conflict-change]")).ToContainTextAsync("Main: change that conflicts with rel");
            await Assertions.Expect(page.Locator("[data-action='take-theirs'], [data-action='keep-yours']")).ToHaveCountAsync(0);
            // Looking is allowed: the three versions open, without the button that would accept an edit.
            await file.Locator("[data-action='show-merge']").ClickAsync();
            await Assertions.Expect(page.Locator(".threeway-host")).ToHaveAttributeAsync("data-mounted", "true");
            await Assertions.Expect(page.Locator("[data-action='accept-edit']")).ToHaveCountAsync(0);

            // Asked directly, with the viewer's own session: 403, and nothing changed.
            var refused = await page.APIRequest.PostAsync($"/api/jobs/{jobId}/conflicts/settle", new() { DataObject = new { file = "//depot/rel/conflict.c", choice = "theirs" } });
            Assert.Equal(403, refused.Status);
        });
        var job = await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}");
        Assert.Equal("NEEDS_RESOLVE", job["stage"]!.GetValue<string>());
        Assert.Single((await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}/conflicts")).AsArray());
        (await studio.Orchestrator.Client.PostAsync(new Uri($"/api/jobs/{jobId}/cancel", UriKind.Relative), null)).EnsureSuccessStatusCode();
    }

    private Task<string> StartAsync(SimDepot depot) => studio.Orchestrator.StartJobAsync("p4-integrate", new JsonObject
    {
        ["source"] = "//depot/main/...",
        ["target"] = "//depot/rel/...",
        ["description"] = "Integrate main to rel",
        ["p4port"] = depot.Root,
    });
}
