using System.Text.Json.Nodes;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>config/grafana/p4flow-dashboard.json against what a running orchestrator exports.</summary>
[Collection(ObservedCollection.Name)]
public sealed class DashboardTests(ObservedOrchestrator orchestrator)
{
    private static JsonNode Dashboard => JsonNode.Parse(File.ReadAllText(Path.Combine(Promtool.ConfigDir, "grafana", "p4flow-dashboard.json")))!;

    [Fact]
    public async Task Dashboard_EveryQuery_UsesAMetricTheOrchestratorExports()
    {
        var exported = (await orchestrator.ScrapeAsync()).SeriesNames;
        var queries = Queries(Dashboard).ToList();

        Assert.NotEmpty(queries);
        foreach (var (panel, query) in queries)
        {
            var metrics = PromQl.MetricNames(query);
            Assert.True(metrics.Count > 0, $"panel '{panel}': no metric in {query}");
            foreach (var metric in metrics)
                Assert.True(exported.Contains(metric), $"panel '{panel}' queries {metric}, which /metrics does not export ({query})");
        }
    }

    [Fact]
    public void Dashboard_Json_HasThePanelsTheIssueAsksFor()
    {
        var dashboard = Dashboard;
        var titles = dashboard["panels"]!.AsArray().Select(p => p!["title"]!.GetValue<string>()).ToList();
        var metrics = Queries(dashboard).SelectMany(q => PromQl.MetricNames(q.Query)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal("p4flow-overview", dashboard["uid"]!.GetValue<string>());
        Assert.Null(dashboard["id"]);
        foreach (var title in new[] { "Jobs by result", "Job duration percentiles", "Stage duration p90", "Agents connected", "Agent health", "Queue depth by priority", "NEEDS_RESOLVE" })
            Assert.Contains(title, titles);
        foreach (var metric in new[] { "p4_jobs_success_total", "p4_jobs_failed_total", "p4_job_duration_seconds_bucket", "p4_stage_duration_seconds_bucket", "p4_agents_connected", "p4_agents", "p4_queue_depth", "p4_jobs_needs_resolve" })
            Assert.Contains(metric, metrics);
        // Every panel id is unique and every panel sits on the grid.
        var ids = dashboard["panels"]!.AsArray().Select(p => p!["id"]!.GetValue<int>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(dashboard["panels"]!.AsArray(), p => Assert.NotNull(p!["gridPos"]));
    }

    private static IEnumerable<(string Panel, string Query)> Queries(JsonNode dashboard)
    {
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]?.AsArray() ?? [])
                yield return (panel["title"]!.GetValue<string>(), target!["expr"]!.GetValue<string>());
        }
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if (variable!["type"]!.GetValue<string>() != "query") continue;
            // label_values(metric, label): the metric is the query.
            var definition = variable["definition"]!.GetValue<string>();
            var inner = definition[(definition.IndexOf('(', StringComparison.Ordinal) + 1)..definition.IndexOf(',', StringComparison.Ordinal)];
            yield return ($"variable {variable["name"]}", inner);
        }
    }
}
