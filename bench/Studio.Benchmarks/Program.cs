// Studio speed, measured in Debian's Chromium against a real orchestrator on 127.0.0.1:
//   1. a 200-activity workflow opens in the designer and is interactive (selecting a node opens its properties);
//   2. a job view of a 200-activity job repaints a node within N ms after the engine commits its state change.
// Run: dotnet run -c Release --project bench/Studio.Benchmarks [-- --runs 7 --samples 30]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;
using P4Flow.TestSupport;

const int Activities = 200;
var runs = Option("--runs", 7);
var samples = Option("--samples", 30);
var definitionId = "bench-200";

await using var orchestrator = OrchestratorProcess.StartInNewHome();
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
await orchestrator.WaitReadyAsync();
// Signed in once through the login page as the admin; every measured page reuses that cookie.
var signIn = await NewPageAsync(browser, orchestrator.BaseUrl, null);
await signIn.SignInAsync("admin", ApiKeys.AdminPassword(orchestrator.Home));
var signedIn = await signIn.Context.StorageStateAsync();
await signIn.Context.CloseAsync();
await PublishAsync(orchestrator.Client, definitionId);
Console.WriteLine($"Orchestrator on {orchestrator.BaseUrl}; workflow '{definitionId}' has {Activities} activities (Start + {Activities - 1} waits).");

// --- 1. Designer: navigation start -> canvas drawn -> a click on a node shows its properties ----------------------
// Times come from the page's own clock (performance.now(), 0 = navigation start), as a person clicking a link sees it.
const string MarkReady = """
    new MutationObserver(() => {
      if (!window.__ready && document.querySelector("[data-page='designer'][data-ready='true']")) { window.__ready = performance.now(); }
      if (!window.__props && document.querySelector("[data-properties='w12']")) { window.__props = performance.now(); }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
    """;
var opened = new List<double>();
var interactive = new List<double>();
var fullFit = new List<double>();
for (var run = 0; run <= runs; run++)
{
    var page = await NewPageAsync(browser, orchestrator.BaseUrl, signedIn);
    await page.AddInitScriptAsync(MarkReady);
    await page.GotoAsync($"/workflows/{definitionId}");
    await page.Locator("[data-page='designer'][data-ready='true']").WaitForAsync();
    var ready = await page.EvaluateAsync<double>("() => window.__ready");
    // Interactive: the first click on an activity selects it and opens its properties.
    var clickAt = await page.EvaluateAsync<double>("() => performance.now()");
    await page.Locator(".designer-canvas rect[data-activity='w12']").ClickAsync();
    await page.Locator("[data-properties='w12']").WaitForAsync();
    var shown = await page.EvaluateAsync<double>("() => window.__props");
    // Off-screen activities are drawn when scrolled to (X6 virtual rendering); all of them are in the graph.
    var inGraph = await page.EvaluateAsync<int>("() => document.querySelector('.designer-canvas').x6graph.getNodes().length");
    if (inGraph != Activities) throw new InvalidOperationException($"Expected {Activities} activities, found {inGraph}.");
    // Fit: every activity drawn at once.
    var fit = await page.EvaluateAsync<double>("""
        () => { const t = performance.now(); document.querySelector('.designer-canvas').x6graph.zoomToFit({ padding: 40, maxScale: 1 });
                return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); }
        """);
    var drawn = await page.Locator(".designer-canvas rect[data-activity]").CountAsync();
    if (drawn != Activities) throw new InvalidOperationException($"After fit: expected {Activities} drawn, found {drawn}.");
    if (args.Contains("--marks"))
        Console.WriteLine(await page.EvaluateAsync<string>("() => JSON.stringify(performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)]).concat([['ready', Math.round(window.__ready)]]))"));
    if (run > 0) // the first run warms the server and the browser's caches
    {
        opened.Add(ready);
        interactive.Add(ready + (shown - clickAt));
        fullFit.Add(fit);
    }
    await page.Context.CloseAsync();
}
Report("designer: navigation start -> 200-activity canvas drawn and ready", opened);
Report("designer: ... plus the first click on an activity showing its properties", interactive);
Report("designer: fit to screen, drawing all 200 activities", fullFit);

// --- 2. Job view: engine commit -> node repainted ------------------------------------------------------------------
{
    var page = await NewPageAsync(browser, orchestrator.BaseUrl, signedIn);
    using var started = await orchestrator.Client.PostAsJsonAsync($"/api/workflow-definitions/{definitionId}/runs", new JsonObject());
    started.EnsureSuccessStatusCode();
    var jobId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>();
    await page.GotoAsync($"/jobs/{jobId}");
    await page.Locator("[data-page='job'][data-ready='true']").WaitForAsync();
    await page.Locator(".designer-canvas rect[data-activity='w1'][data-state='waiting']").WaitForAsync();
    // Record (wall clock, ms) when each node turns done, from inside the page.
    await page.EvaluateAsync("""
        () => {
          window.__done = {};
          new MutationObserver(records => {
            const at = performance.timeOrigin + performance.now();
            for (const r of records) {
              const id = r.target.getAttribute('data-activity');
              if (r.target.getAttribute('data-state') === 'done' && id && !(id in window.__done)) window.__done[id] = at;
            }
          }).observe(document.querySelector('.designer-canvas'), { subtree: true, attributes: true, attributeFilter: ['data-state'] });
        }
        """);
    var fromCommit = new List<double>();
    var fromRequest = new List<double>();
    for (var i = 1; i <= samples; i++)
    {
        var before = DateTimeOffset.UtcNow;
        using var resumed = await orchestrator.Client.PostAsJsonAsync($"/api/jobs/{jobId}/resume", new JsonObject { ["bookmark"] = $"w{i}" });
        resumed.EnsureSuccessStatusCode();
        await page.WaitForFunctionAsync($"() => window.__done['w{i}'] !== undefined");
        var seenAt = await page.EvaluateAsync<double>($"() => window.__done['w{i}']");
        var job = JsonNode.Parse(await orchestrator.Client.GetStringAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative)))!;
        var completed = job["activities"]!.AsArray().Single(a => a!["activityId"]!.GetValue<string>() == $"w{i}")!["completedAt"]!.GetValue<DateTime>();
        var completedMs = new DateTimeOffset(DateTime.SpecifyKind(completed, DateTimeKind.Utc)).ToUnixTimeMilliseconds() + completed.Ticks % TimeSpan.TicksPerMillisecond / 10_000.0;
        fromCommit.Add(seenAt - completedMs);
        fromRequest.Add(seenAt - before.ToUnixTimeMilliseconds());
    }
    Report("job view: engine completed the activity -> node shows done", fromCommit);
    Report("job view: resume request sent -> node shows done (includes the HTTP call and the engine step)", fromRequest);
    await page.Context.CloseAsync();
}

static void Report(string what, List<double> values)
{
    var sorted = values.Order().ToList();
    double At(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what}: median {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, max {sorted[^1]:0.0} ms (n={sorted.Count})"));
}

static async Task<IPage> NewPageAsync(IBrowser browser, string baseUrl, string? storageState)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1600, Height = 900 }, StorageState = storageState });
    context.SetDefaultTimeout(30_000);
    return await context.NewPageAsync();
}

// Start, then 199 WaitForSignal activities in a chain, each waiting for its own signal (w1, w2, ...), laid out on a grid.
static async Task PublishAsync(HttpClient client, string id)
{
    var activities = new JsonArray { Node("start", "Start", 0, null) };
    var connections = new JsonArray();
    for (var i = 1; i < Activities; i++)
    {
        activities.Add(Node($"w{i}", "WaitForSignal", i, new JsonObject { ["signal"] = new JsonObject { ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = $"w{i}" } } }));
        connections.Add(new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = i == 1 ? "start" : $"w{i - 1}", ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = $"w{i}", ["port"] = "In" },
        });
    }
    var definition = new JsonObject
    {
        ["definitionId"] = id,
        ["name"] = $"Benchmark: {Activities} activities",
        ["root"] = new JsonObject { ["type"] = "Flowchart", ["activities"] = activities, ["connections"] = connections },
    };
    using var saved = await client.PostAsJsonAsync("/api/workflow-definitions", definition);
    saved.EnsureSuccessStatusCode();
    using var published = await client.PostAsync(new Uri($"/api/workflow-definitions/{id}/publish", UriKind.Relative), null);
    published.EnsureSuccessStatusCode();

    static JsonObject Node(string id, string type, int index, JsonObject? inputs) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["inputs"] = inputs ?? [],
        ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = index % 10 * 260, ["y"] = index / 10 * 100 } } },
    };
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
