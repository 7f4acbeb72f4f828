using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Branches;

/// <summary>config/branches.yaml on a real orchestrator (SQLite): loaded at start, kept in the store, loaded again only when it changed.</summary>
public sealed class BranchGraphFileTests
{
    private const string Graph = """
        nodes:
          main: { path: "//depot/main/..." }
          rel: { path: "//depot/rel/..." }
        edges:
          - { source: main, target: rel }
        """;

    [Fact]
    public async Task GraphFile_LoadedAtStart_EditsKeptAcrossRestarts_AChangedFileLoadedAgain_ABrokenOneStopsTheStart()
    {
        var home = OrchestratorProcess.CreateHome();
        var file = Path.Combine(home, "config", "branches.yaml");
        await File.WriteAllTextAsync(file, Graph);

        await using (var first = OrchestratorProcess.Start(home))
        {
            await first.WaitReadyAsync();
            var loaded = await first.Client.GetJsonAsync("/api/branches");
            Assert.Equal(["main -> rel"], loaded["edges"]!.AsArray().Select(e => e!.Str("id")));
            Assert.Equal(file, loaded.Str("updatedBy"));
            // Someone pauses the edge over the API.
            using var paused = await first.Client.PostAsync(new Uri("/api/branches/edges/main/rel/pause", UriKind.Relative), null);
            paused.EnsureSuccessStatusCode();
        }

        // The same file at the next start: the store's graph, with its edit, stays.
        await using (var second = OrchestratorProcess.Start(home))
        {
            await second.WaitReadyAsync();
            var kept = await second.Client.GetJsonAsync("/api/branches");
            Assert.True(kept["edges"]![0]!["edge"]!["paused"]!.GetValue<bool>(), kept.ToJsonString());
            Assert.Equal(2, kept["revision"]!.GetValue<int>());
        }

        // A changed file is the new graph.
        await File.WriteAllTextAsync(file, Graph + "\n  - { source: rel, target: main, flow: manual }\n");
        await using (var third = OrchestratorProcess.Start(home))
        {
            await third.WaitReadyAsync();
            var changed = await third.Client.GetJsonAsync("/api/branches");
            Assert.Equal(["main -> rel", "rel -> main"], changed["edges"]!.AsArray().Select(e => e!.Str("id")));
            Assert.Equal(3, changed["revision"]!.GetValue<int>());
        }

        // A broken file stops the start, naming the edge and field.
        await File.WriteAllTextAsync(file, Graph.Replace("target: rel", "target: rel, flow: sometimes", StringComparison.Ordinal));
        await using var broken = OrchestratorProcess.Start(home);
        Assert.Equal(2, await broken.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("edges[main -> rel].flow: flow is automatic or manual (got 'sometimes')", broken.Output, StringComparison.Ordinal);
    }
}
