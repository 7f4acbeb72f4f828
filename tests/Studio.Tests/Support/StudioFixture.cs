using Microsoft.Playwright;

namespace P4Flow.Studio.Tests.Support;

/// <summary>
/// One orchestrator and one headless Debian Chromium for all browser tests. Each test opens its own browser
/// context (fresh cookies and localStorage). A collection that needs its orchestrator set up otherwise derives from it.
/// </summary>
public class StudioFixture : IAsyncLifetime
{
    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;

    public OrchestratorProcess Orchestrator { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>
    /// What a step or an expectation may take: Playwright's 5 s for an expectation is an idle machine's, and these pages
    /// share two cores with an orchestrator, a browser and other test runs. A met condition returns at once.
    /// </summary>
    public const float Patience = 60_000;

    public virtual async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(Patience);
        Orchestrator = await StartOrchestratorAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        await Orchestrator.WaitReadyAsync();
        _admin = await SignedInStateAsync("admin", ApiKeys.AdminPassword(Orchestrator.Home));
    }

    private string _admin = "";

    /// <summary>Starts the orchestrator the pages talk to; <see cref="InitializeAsync"/> waits for it to be ready.</summary>
    protected virtual Task<OrchestratorProcess> StartOrchestratorAsync() => Task.FromResult(OrchestratorProcess.StartInNewHome(new Dictionary<string, string>
    {
        ["P4FLOW_perforce__executable"] = SimDepot.Launcher,
        ["P4FLOW_perforce__allow_job_ports"] = "true",
        ["P4FLOW_perforce__user"] = "p4flow",
        ["P4FLOW_commands__runner"] = "local",
        // The Continue button is what these tests press; the watcher stays out of the way.
        ["P4FLOW_state_management__resolve_check_interval"] = "3600",
    }));

    /// <summary>Signs in through the login page once; the cookie it got is kept for the pages of later tests.</summary>
    public async Task<string> SignedInStateAsync(string user, string password)
    {
        var page = await NewContextPageAsync(null);
        await page.SignInAsync(user, password);
        var state = await page.Context.StorageStateAsync();
        await page.Context.CloseAsync();
        return state;
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Orchestrator is not null) await Orchestrator.DisposeAsync();
    }

    /// <summary>A new page in a new context, 1600x900, at the orchestrator's address, signed in as the admin.</summary>
    public Task<IPage> NewPageAsync() => NewContextPageAsync(_admin);

    /// <summary>A new page with the sign-in <paramref name="storageState"/> (from <see cref="SignedInStateAsync"/>), or none.</summary>
    public async Task<IPage> NewContextPageAsync(string? storageState)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Orchestrator.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1600, Height = 900 },
            AcceptDownloads = true,
            StorageState = storageState,
        });
        context.SetDefaultTimeout(Patience);
        return await context.NewPageAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>
{
    public const string Name = "studio";
}
