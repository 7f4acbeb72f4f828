using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Agents;

/// <summary>
/// An admin enrols this machine from the Add agent dialog over real SSH: the step feed runs to success, the agent it
/// installed connects and shows up on the agents page and in the API, the attempt is audited under the admin's name,
/// and removing it stops its process.
/// </summary>
[Collection(AgentHostCollection.Name)]
public sealed class LiveBootstrapTests(AgentHostFixture host)
{
    /// <summary>The bootstrap's steps, in the order they run.</summary>
    private static readonly string[] Steps =
    [
        "connect", "check-platform", "prepare-agent-user", "package-agent", "upload-agent", "deliver-certificates",
        "write-config", "whitelist", "install", "start", "wait-connected",
    ];

    [Fact]
    public async Task AddAgent_ThisHostOverSshWithPinnedFingerprint_StepsSucceedAgentHealthyAuditedThenRemoved()
    {
        if (!AgentHostFixture.CanRun) return; // only root may create the agent's user; CI runs as root
        var name = "studio-" + Guid.NewGuid().ToString("N")[..8];
        var agentBase = $"/home/p4agent/p4flow/{name}";
        var page = await host.NewPageAsync();
        try
        {
            await page.ScreenshotOnFailureAsync("live-bootstrap", async () =>
            {
                await EnrolFromDialogAsync(page, name);
                await SeeHealthyAsync(page, name);
                await DrainAndUndrainAsync(page, name);
                await PauseAndResumeAsync(page);
                await RemoveAsync(page, name, agentBase);
            });
        }
        finally
        {
            await AgentInstall.RemoveLeftoversAsync(agentBase);
        }
    }

    private async Task EnrolFromDialogAsync(IPage page, string name)
    {
        await page.OpenAsync("/agents", "agents");
        await page.Locator("[data-action='add-agent']").ClickAsync();
        var form = page.Locator("[data-add-agent-form]");
        await form.WaitForAsync();

        await form.Locator("[data-field='port'] input").FillAsync(host.Sshd.Port.ToString(CultureInfo.InvariantCulture));
        await form.Locator("[data-field='host'] input").FillAsync("127.0.0.1");
        await form.Locator("[data-field='user'] input").FillAsync(Environment.UserName);
        await form.Locator("[data-field='keyRef'] input").FillAsync(host.Sshd.ClientKey);
        await form.Locator("[data-field='agentName'] input").FillAsync(name);
        await form.Locator("[data-field='labels'] input").FillAsync("linux, studio");
        await form.Locator("[data-field='hostKeyStrategy'] .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Pinned fingerprint" }).ClickAsync();
        await form.Locator("[data-field='fingerprint'] input").FillAsync(host.Fingerprint);
        await page.Locator("[data-action='bootstrap']").ClickAsync();

        // The feed shows steps while they run (packing and uploading the agent take seconds), not only at the end.
        await form.Locator("[data-bootstrap-steps] tr[data-status='Running']").First.WaitForAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-action='bootstrap']")).ToBeDisabledAsync();
        var result = form.Locator("[data-bootstrap-result]");
        await result.WaitForAsync(new() { Timeout = 240_000 });
        Assert.True(await result.GetAttributeAsync("data-bootstrap-result") == "succeeded", await result.InnerTextAsync());
        await Assertions.Expect(result).ToContainTextAsync($"Agent {name} is connected.");

        var rows = form.Locator("[data-bootstrap-steps] tr[data-step]");
        var shown = await rows.EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.step, r.dataset.status])");
        Assert.Equal(Steps, shown.Select(s => s[0]));
        // Root may create users, so not even a warning: the agent runs as the unprivileged p4agent.
        Assert.All(shown, s => Assert.True(s[1] == "Succeeded", $"{s[0]}: {s[1]}"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await form.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    private async Task SeeHealthyAsync(IPage page, string name)
    {
        // The list updates live when the agent connects; the dialog was over it all along.
        var row = page.Locator($"tr[data-agent='{name}']");
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("HEALTHY", new() { Timeout = 120_000 });
        await Assertions.Expect(row.Locator("td").Nth(5)).ToContainTextAsync("studio");
        // And after a reload, from what the hub knows.
        await page.OpenAsync("/agents", "agents");
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync("HEALTHY");

        var agent = await AgentAsync(name);
        Assert.True(agent is not null, "the agent is listed by GET /api/agents");
        Assert.Equal("HEALTHY", agent["state"]!.GetValue<string>());
        Assert.Equal(["linux", "studio"], agent["labels"]!.AsArray().Select(l => l!.GetValue<string>()).Order(StringComparer.Ordinal));

        var attempts = (await File.ReadAllLinesAsync(Path.Combine(host.Orchestrator.Home, "logs", "audit.jsonl")))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)
            .Where(e => e["event_type"]?.GetValue<string>() == "BOOTSTRAP_ATTEMPT" && e["agent_id"]?.GetValue<string>() == name).ToList();
        var attempt = Assert.Single(attempts);
        Assert.Equal("ACCEPTED", attempt["result"]!.GetValue<string>());
        Assert.Equal("admin", attempt["user"]!.GetValue<string>()); // the signed-in Studio user, not a key or "studio"
        Assert.Equal("127.0.0.1", attempt["target_host"]!.GetValue<string>());
        Assert.Matches("^sha256:[0-9a-f]{64}$", attempt["ssh_command_hash"]!.GetValue<string>());
    }

    /// <summary>Drain from the agent's row (no new jobs), then undrain; the hub and the audit log agree with the page.</summary>
    private async Task DrainAndUndrainAsync(IPage page, string name)
    {
        var row = page.Locator($"tr[data-agent='{name}']");
        await row.Locator("[data-action='drain']").ClickAsync();
        await Assertions.Expect(row.Locator("[data-agent-draining]")).ToHaveTextAsync("draining");
        Assert.True((await AgentAsync(name))!["draining"]!.GetValue<bool>());
        await row.Locator("[data-action='undrain']").ClickAsync();
        await Assertions.Expect(row.Locator("[data-action='drain']")).ToBeVisibleAsync();
        Assert.False((await AgentAsync(name))!["draining"]!.GetValue<bool>());
        var drains = (await File.ReadAllLinesAsync(Path.Combine(host.Orchestrator.Home, "logs", "audit.jsonl")))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)
            .Where(e => e["agent_id"]?.GetValue<string>() == name && e["event_type"]!.GetValue<string>() is "AGENT_DRAINED" or "AGENT_UNDRAINED").ToList();
        Assert.Equal(["AGENT_DRAINED", "AGENT_UNDRAINED"], drains.Select(e => e["event_type"]!.GetValue<string>()));
        Assert.All(drains, e => Assert.Equal("admin", e["user"]!.GetValue<string>()));
    }

    /// <summary>Pause all from the Agents page: every page says so (another tab too) until an admin resumes from the banner.</summary>
    private async Task PauseAndResumeAsync(IPage page)
    {
        await page.Locator("[data-action='pause-all']").ClickAsync();
        var banner = page.Locator("[data-paused]");
        await Assertions.Expect(banner).ToContainTextAsync("no command goes to an agent or a Perforce server");
        await Assertions.Expect(banner).ToContainTextAsync("by admin (paused from the Studio's Agents page)");
        var state = await host.Orchestrator.GetJsonAsync("/api/admin/pause");
        Assert.True(state["paused"]!.GetValue<bool>());
        Assert.Equal("admin", state["by"]!.GetValue<string>());

        var other = await host.NewPageAsync();
        await other.OpenAsync("/jobs", "jobs");
        await Assertions.Expect(other.Locator("[data-paused]")).ToBeVisibleAsync();
        await other.Locator("[data-action='resume-all']").ClickAsync();
        await Assertions.Expect(other.Locator("[data-paused]")).ToHaveCountAsync(0);
        // The first page hears of it live, and offers to pause again.
        await Assertions.Expect(banner).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-action='pause-all']")).ToBeVisibleAsync();
        Assert.False((await host.Orchestrator.GetJsonAsync("/api/admin/pause"))["paused"]!.GetValue<bool>());
    }

    private async Task RemoveAsync(IPage page, string name, string agentBase)
    {
        var pid = (await File.ReadAllTextAsync(Path.Combine(agentBase, "agent.pid"))).Trim();
        using (var remove = await host.Orchestrator.Client.DeleteAsync(new Uri($"/api/agents/{name}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Accepted, remove.StatusCode);
            var id = JsonNode.Parse(await remove.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var removed = await Eventually.Until(() => host.Orchestrator.GetJsonAsync($"/api/agents/operations/{id}"),
                o => o["status"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(120), "the removal to end");
            Assert.True(removed["status"]!.GetValue<string>() == "succeeded", removed.ToJsonString());
        }
        Assert.Null(await AgentAsync(name));
        await Assertions.Expect(page.Locator($"tr[data-agent='{name}']")).ToHaveCountAsync(0, new() { Timeout = 120_000 });
        Assert.Equal("", await ProgramRun.ShellAsync($"kill -0 {pid} 2>/dev/null && echo still-running"));
        Assert.False(Directory.Exists(agentBase), "the agent's files are gone");
    }

    private async Task<JsonNode?> AgentAsync(string name) =>
        (await host.Orchestrator.GetJsonAsync("/api/agents")).AsArray().FirstOrDefault(a => a!["id"]!.GetValue<string>() == name);
}
