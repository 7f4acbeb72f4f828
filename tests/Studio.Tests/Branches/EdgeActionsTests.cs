using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Branches;

/// <summary>
/// The bot on the simulator with main -> rel (automatic) and main -> dev (manual). One change on main conflicts with a
/// fix made on rel: on main -> rel its job parks in NEEDS_RESOLVE, on main -> dev it waits for approval.
/// </summary>
public sealed class EdgeActionsFixture : StudioFixture
{
    private const string Base = "one\ntwo\nthree\n";

    public SimDepot Depot { get; private set; } = null!;
    public int Change { get; private set; }

    protected override async Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        Depot = await SimDepot.CreateAsync();
        await Depot.SubmitAsync("Initial", ("main/a.txt", Base, null));
        await Depot.BranchAsync();
        await Depot.BranchAsync(to: "//depot/dev/...");
        await Depot.SubmitAsync("Fix on rel", ("rel/a.txt", Base.Replace("two", "deux", StringComparison.Ordinal), null));
        var home = OrchestratorProcess.CreateHome();
        await File.WriteAllTextAsync(Path.Combine(home, "config", "branches.yaml"), """
            nodes:
              main: { path: "//depot/main/...", server: main }
              rel: { path: "//depot/rel/...", server: main }
              dev: { path: "//depot/dev/...", server: main }
            edges:
              - { source: main, target: rel }
              - { source: main, target: dev, flow: manual }
            """);
        return OrchestratorProcess.Start(home, environment: new Dictionary<string, string>
        {
            ["P4FLOW_commands__runner"] = "local",
            ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
            ["P4FLOW_perforce__servers__main__port"] = Depot.Root,
            ["P4FLOW_perforce__servers__main__user"] = "p4flow",
            ["P4FLOW_branches__poll_interval"] = "1",
            ["P4FLOW_state_management__resolve_check_interval"] = "3600",
        });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var target in new[] { "rel", "dev" })
            await Eventually.Until(() => Orchestrator.GetJsonAsync($"/api/branches/edges/main/{target}/changes"), e => e["cursor"] is not null, TimeSpan.FromSeconds(60), $"main -> {target} to start watching");
        await Depot.SubmitAsync("TWO on main", ("main/a.txt", Base.Replace("two", "TWO", StringComparison.Ordinal), null));
        Change = int.Parse((await Depot.RunAsync("changes", "-m", "1", "//depot/main/...")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.Until(() => Orchestrator.GetJsonAsync($"/api/changes/main/{Change}"),
            c => c["edges"]!.AsArray().Select(e => e!["edgeId"]!.GetValue<string>() + "=" + e["status"]!.GetValue<string>()).ToHashSet() is var seen
                && seen.Contains("main -> rel=needs_resolve") && seen.Contains("main -> dev=awaiting_approval"),
            TimeSpan.FromMinutes(3), "the change to park on main -> rel and wait for approval on main -> dev");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Orchestrator.Home)) Directory.Delete(Orchestrator.Home, recursive: true);
        Depot?.Dispose();
    }
}

/// <summary>
/// An operator acts on an edge's changes from the edge's page: the actions that apply to each change's status, a skip
/// that says why, the host's refusals shown with its words; the page and the Branches page follow the changes live.
/// </summary>
public sealed class EdgeActionsTests(EdgeActionsFixture studio) : IClassFixture<EdgeActionsFixture>
{
    [Fact]
    public async Task AwaitingApproval_ApprovedFromTheEdgePage_RowAndBranchesPageFollowLiveToIntegrated()
    {
        var branches = await studio.NewPageAsync();
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("edge-approve", async () =>
        {
            // The Branches page, open in another tab, is never reloaded: it follows the edge on its own.
            await branches.OpenAsync("/branches", "branches");
            var edge = branches.Locator("tr[data-edge='main -> dev']");
            await Assertions.Expect(edge.Locator("[data-open]")).ToHaveTextAsync("1");

            await branches.EvaluateAsync(NotReloaded);
            await page.OpenAsync("/branches/main/dev", "branch-edge");
            await page.EvaluateAsync(NotReloaded);
            var row = page.Locator($"tr[data-change='{studio.Change}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "awaiting_approval");
            await ExpectActionsAsync(row, "approve", "skip");

            await row.Locator("[data-action='approve']").ClickAsync();

            // Approved, its job starts and ends: the row moves with it, with no reload.
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", new Regex("^(pending|integrating|integrated)$"));
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "integrated", new() { Timeout = 180_000 });
            await Assertions.Expect(row.Locator("[data-job-link]")).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator("[data-action]")).ToHaveCountAsync(0);
            await Assertions.Expect(edge.Locator("[data-open]")).ToHaveTextAsync("0");
            Assert.True(await page.EvaluateAsync<bool>(StillTheSamePage));
            Assert.True(await branches.EvaluateAsync<bool>(StillTheSamePage));

            var change = await studio.Orchestrator.GetJsonAsync($"/api/changes/main/{studio.Change}");
            Assert.Contains(change["edges"]!.AsArray(), e => e!["status"]!.GetValue<string>() == "integrated" && e["targetChange"] is not null);
        });
        await branches.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Parked_OffersItsActionsAndItsOwner_SkipWithoutAReasonShowsTheHostsError()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("edge-parked", async () =>
        {
            await page.OpenAsync("/branches/main/rel", "branch-edge");
            var row = page.Locator($"tr[data-change='{studio.Change}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "needs_resolve");
            await Assertions.Expect(row.Locator("[data-owner]")).ToHaveAttributeAsync("data-owner", "dev");
            await Assertions.Expect(row.Locator("[data-since]")).ToContainTextAsync("UTC");
            await ExpectActionsAsync(row, "shelve", "stomp", "acknowledge", "skip");
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Shelve for owner CL {studio.Change}" })).ToBeVisibleAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Accept theirs CL {studio.Change}" })).ToBeVisibleAsync();
            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(serious.Count == 0, "axe: " + string.Join("; ", serious));

            await row.Locator("[data-action='skip']").ClickAsync();
            var form = page.Locator($"tr[data-skip-form='{studio.Change}']");
            await form.Locator("[data-action='confirm-skip']").ClickAsync();

            // The host refuses a skip that does not say why, naming the reason; the change stays parked and the page lives on.
            await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("reason");
            await Assertions.Expect(form).ToContainTextAsync("a skip says why");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "needs_resolve");
            await form.Locator("[data-action='cancel-skip']").ClickAsync();
            await Assertions.Expect(form).ToHaveCountAsync(0);
            var edge = await studio.Orchestrator.GetJsonAsync("/api/branches/edges/main/rel/changes");
            Assert.Contains(edge["changes"]!.AsArray(), c => c!["change"]!.GetValue<int>() == studio.Change && c["status"]!.GetValue<string>() == "needs_resolve");
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Viewer_SeesTheChangesAndTheirOwner_WithoutActions()
    {
        var name = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "a viewer's long password";
        using (var saved = await studio.Orchestrator.Client.PutAsJsonAsync(new Uri($"/api/users/{name}", UriKind.Relative), new { role = "viewer", password }))
            Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);

        var page = await studio.NewContextPageAsync(await studio.SignedInStateAsync(name, password));
        await page.ScreenshotOnFailureAsync("edge-viewer", async () =>
        {
            await page.OpenAsync("/branches/main/rel", "branch-edge");
            var row = page.Locator($"tr[data-change='{studio.Change}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "needs_resolve");
            await Assertions.Expect(row.Locator("[data-owner]")).ToHaveAttributeAsync("data-owner", "dev");
            await Assertions.Expect(page.Locator("[data-page='branch-edge'] [data-action]")).ToHaveCountAsync(0);

            await page.OpenAsync("/branches", "branches");
            await Assertions.Expect(page.Locator("tr[data-edge='main -> rel']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-page='branches'] [data-action]")).ToHaveCountAsync(0);
        });
        await page.Context.CloseAsync();
    }

    /// <summary>A mark the page keeps until it is loaded again.</summary>
    private const string NotReloaded = "() => { window.p4flowNotReloaded = true; }";
    private const string StillTheSamePage = "() => window.p4flowNotReloaded === true";

    /// <summary>The row offers exactly these actions, in this order.</summary>
    private static async Task ExpectActionsAsync(ILocator row, params string[] expected)
    {
        var buttons = row.Locator("[data-action]");
        await Assertions.Expect(buttons).ToHaveCountAsync(expected.Length);
        Assert.Equal(expected, await buttons.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.action)"));
    }
}
