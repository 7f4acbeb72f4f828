using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

/// <summary>The README's demo (a real agent, a depot secured at level 3) with the Studio in front of it.</summary>
public sealed class DemoStudioFixture : StudioFixture
{
    private readonly string _home = OrchestratorProcess.CreateHome();

    // As the README runs it from a clone: commands go through the hub to the demo's agent (tests default to running
    // them in-process), which the clone's config/agent_whitelist.yaml lets in.
    protected override Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        File.WriteAllText(Path.Combine(_home, "config", "agent_whitelist.yaml"), """
            allowed_agents:
              - hostname: "localhost"
                cert_cn: "local-agent"
                ip_range: "127.0.0.0/8, ::1/128"
            """);
        return Task.FromResult(OrchestratorProcess.Start(_home, environment: new Dictionary<string, string> { ["P4FLOW_commands__runner"] = "agents" }, arguments: ["demo"]));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }
}

/// <summary>
/// The README's walk-through: the demo's job parks on conflict.c; its page names the agent it ran on, opens the
/// diagram at a readable zoom on the stage it waits in, shows the three versions, refuses a merge that still has
/// p4's markers, and settles the person's edited merge, which the agent writes into the job's workspace and the job
/// submits.
/// </summary>
public sealed class DemoSettleTests(DemoStudioFixture studio) : IClassFixture<DemoStudioFixture>
{
    [Fact]
    public async Task DemoConflict_EditedMergeSettledInTheStudio_DepotHoldsExactlyTheEdit()
    {
        var jobs = await Eventually.Until(() => studio.Orchestrator.GetJsonAsync("/api/jobs"), j => j["total"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(120), "the demo's job");
        var jobId = jobs["items"]![0]!["id"]!.GetValue<string>();
        await Eventually.Until(() => studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}"), j => j["stage"]?.GetValue<string>() == "NEEDS_RESOLVE", TimeSpan.FromSeconds(300), "the demo's job to stop for the conflict");
        var merged = (await studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}/conflicts/file?path=//depot/rel/conflict.c"))["text"]!["merged"]!.GetValue<string>();
        var edited = merged[..merged.IndexOf(">>>> ORIGINAL", StringComparison.Ordinal)]
            + "int conflict5 = 5055; /* settled in the Studio */\n"
            + merged[(merged.IndexOf("<<<<\n", StringComparison.Ordinal) + 5)..];

        var page = await studio.NewPageAsync();
        using var keepLogs = new KeepLogsOnFailure(studio.Orchestrator.Home, "demo-settle");
        await page.ScreenshotOnFailureAsync("demo-settle", async () =>
        {
            await page.OpenAsync($"/jobs/{jobId}", "job");
            await Assertions.Expect(page.Locator("[data-job-agent]")).ToHaveTextAsync("local-agent");

            // The 16 activities do not fit at a readable size: the diagram opens readable, on the stage the job waits in.
            var canvas = page.Locator(".designer-canvas");
            await Assertions.Expect(page.Node("needsResolve")).ToHaveAttributeAsync("data-state", "waiting");
            var zoom = double.Parse(await canvas.GetAttributeAsync("data-zoom") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(zoom >= 0.75, $"the diagram opened at zoom {zoom}");
            var area = (await canvas.BoundingBoxAsync())!;
            var node = (await page.Node("needsResolve").BoundingBoxAsync())!;
            Assert.True(node.X >= area.X && node.X + node.Width <= area.X + area.Width && node.Y >= area.Y && node.Y + node.Height <= area.Y + area.Height,
                $"needsResolve at {node.X},{node.Y} is outside the canvas {area.X},{area.Y} {area.Width}x{area.Height}");

            // Base, theirs and yours side by side, the conflicting chunk marked in each; p4's merge in the editor.
            var file = page.Locator("[data-conflict-file='//depot/rel/conflict.c']");
            await file.Locator("[data-action='show-merge']").ClickAsync();
            var host = page.Locator(".threeway-host");
            await Assertions.Expect(host).ToHaveAttributeAsync("data-mounted", "true");
            await Assertions.Expect(page.Locator("[data-pane='theirs'] [data-chunk='conflict']")).ToContainTextAsync("int conflict5 = 50; /* main */");
            await Assertions.Expect(page.Locator("[data-pane='yours'] [data-chunk='conflict']")).ToContainTextAsync("int conflict5 = 55; /* rel */");
            await Assertions.Expect(page.Locator("[data-pane='merged']")).ToContainTextAsync(">>>> ORIGINAL //depot/main/conflict.c#1");
            await page.ScreenshotAsync("three-way");

            // Accepted with the markers still in: refused, the job waits.
            await page.Locator("[data-action='accept-edit']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-conflict-error]")).ToContainTextAsync("conflict marker on line");

            // The person's merge, typed into the editor, accepted.
            await page.Locator("[data-pane='merged'] .cm-content").ClickAsync();
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.InsertTextAsync(edited);
            await page.Locator("[data-action='accept-edit']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-continue-result]")).ToHaveAttributeAsync("data-continue-result", "resolved");
            await Eventually.Until(() => studio.Orchestrator.GetJsonAsync($"/api/jobs/{jobId}"), j => j["status"]?.GetValue<string>() == "Finished", TimeSpan.FromSeconds(300), "the demo's job to finish");
            await Assertions.Expect(page.Locator("[data-page='job']")).ToHaveAttributeAsync("data-status", "Finished");
            await Assertions.Expect(page.Locator("[data-settled]")).ToContainTextAsync("edit by admin (studio)");
            await page.ScreenshotAsync("demo-settled");
        });

        Assert.Equal(edited, await PrintAsync("//depot/rel/conflict.c"));
        keepLogs.Passed();
    }

    /// <summary>The file as the depot holds it, read as a person would: logged in as demo with the demo's password.</summary>
    private async Task<string> PrintAsync(string depotFile)
    {
        var home = studio.Orchestrator.Home;
        var person = Directory.CreateTempSubdirectory("p4flow-demo-person-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["HOME"] = person, ["P4CONFIG"] = "" };
            string[] connection = ["-p", Path.Combine(home, "data", "demo-depot"), "-u", "demo"];
            var login = await ProgramRun.RunAsync(SimDepot.Launcher, [.. connection, "login"], person, await File.ReadAllTextAsync(Path.Combine(home, "data", "demo-p4-password")), environment: env);
            Assert.True(login.ExitCode == 0, login.Output);
            var print = await ProgramRun.RunAsync(SimDepot.Launcher, [.. connection, "print", "-q", depotFile], person, environment: env);
            Assert.True(print.ExitCode == 0, print.Output);
            return print.Stdout;
        }
        finally
        {
            Directory.Delete(person, recursive: true);
        }
    }
}
