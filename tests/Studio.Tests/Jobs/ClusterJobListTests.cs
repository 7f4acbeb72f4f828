using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Jobs;

/// <summary>
/// Two orchestrators on one PostgreSQL database (nodes of a cluster, commands run in process): the Studio is node a's,
/// the jobs are started and moved through node b's API.
/// </summary>
public sealed class ClusterStudioFixture : StudioFixture
{
    private LocalPostgres? _postgres;
    private readonly List<string> _homes = [];

    public OrchestratorProcess Other { get; private set; } = null!;

    protected override async Task<OrchestratorProcess> StartOrchestratorAsync()
    {
        _postgres = await LocalPostgres.StartAsync();
        var connection = await _postgres.CreateDatabaseAsync("p4flow");
        var first = Node(connection);
        var a = OrchestratorProcess.Start(first, environment: Environment(first, "a"));
        await a.WaitReadyAsync();
        // The credentials are in the database: node a's admin key signs in on node b.
        var second = Node(connection);
        Directory.CreateDirectory(Path.Combine(second, "data"));
        File.Copy(Path.Combine(first, "data", "admin-api-key"), Path.Combine(second, "data", "admin-api-key"));
        Other = OrchestratorProcess.Start(second, environment: Environment(second, "b"));
        await Other.WaitReadyAsync();
        return a;
    }

    private string Node(string connection)
    {
        var home = OrchestratorProcess.CreateHome();
        _homes.Add(home);
        var file = Path.Combine(home, "config", "postgres.conn");
        File.WriteAllText(file, connection + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return home;
    }

    private static Dictionary<string, string> Environment(string home, string name) => new()
    {
        ["P4FLOW_commands__runner"] = "local",
        ["P4FLOW_state_management__type"] = "postgresql",
        ["P4FLOW_state_management__postgresql__connection_string_file"] = Path.Combine(home, "config", "postgres.conn"),
        ["P4FLOW_cluster__node_name"] = name,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Other is not null) await Other.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        foreach (var home in _homes)
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder.
            }
        }
    }
}

/// <summary>
/// The jobs list of one node follows, without a reload, a job another node of the cluster started and moves; when that
/// node is killed, the survivor's Studio shows every job it had, and they go on there.
/// </summary>
public sealed class ClusterJobListTests(ClusterStudioFixture studio) : IClassFixture<ClusterStudioFixture>
{
    [Fact]
    public async Task JobList_OnOneNode_FollowsAJobStartedAndResumedThroughTheOther_AndShowsItsJobsWhenItIsKilled()
    {
        var page = await studio.NewPageAsync();
        await page.ScreenshotOnFailureAsync("cluster-job-list", async () =>
        {
            await page.OpenAsync("/jobs", "jobs");
            await page.EvaluateAsync("() => window.__sameDocument = true");

            var jobId = await studio.Other.StartJobAsync("hello-p4flow", new JsonObject { ["greeting"] = "hi" });
            var row = page.Locator($"tr[data-job='{jobId}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-stage", "NEEDS_APPROVAL");

            using var resume = await studio.Other.Client.PostAsJsonAsync($"/api/jobs/{jobId}/resume", new JsonObject { ["bookmark"] = "approve" });
            resume.EnsureSuccessStatusCode();
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 120_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the jobs list reloaded");

            // Node b dies with jobs of its own waiting: node a's Studio shows every one of them, and they go on from a.
            var waiting = new List<string>();
            for (var i = 0; i < 5; i++) waiting.Add(await studio.Other.StartJobAsync("hello-p4flow", new JsonObject { ["greeting"] = $"hi {i}" }));
            foreach (var id in waiting) await Assertions.Expect(page.Locator($"tr[data-job='{id}']")).ToHaveAttributeAsync("data-stage", "NEEDS_APPROVAL");
            await studio.Other.KillAsync();
            await page.OpenAsync("/jobs", "jobs");
            foreach (var id in waiting) await Assertions.Expect(page.Locator($"tr[data-job='{id}']")).ToHaveAttributeAsync("data-stage", "NEEDS_APPROVAL");
            using var approved = await studio.Orchestrator.Client.PostAsJsonAsync($"/api/jobs/{waiting[0]}/resume", new JsonObject { ["bookmark"] = "approve" });
            approved.EnsureSuccessStatusCode();
            await Assertions.Expect(page.Locator($"tr[data-job='{waiting[0]}']")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 120_000 });
        });
    }
}
