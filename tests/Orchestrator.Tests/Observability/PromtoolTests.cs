namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>config/prometheus/alerts.yml through promtool, as Prometheus would load it.</summary>
public sealed class PromtoolTests
{
    private static string Alerts => Path.Combine(Promtool.ConfigDir, "prometheus", "alerts.yml");
    private static string AlertTests => Path.Combine(Promtool.ConfigDir, "prometheus", "alerts.test.yml");

    [Fact]
    public async Task CheckRules_AlertsYml_FindsEveryRule()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, "check", "rules", Alerts);

        Assert.True(exitCode == 0, $"promtool check rules exited {exitCode}:\n{output}");
        Assert.Contains("SUCCESS: 8 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_AlertsTestYml_EveryAlertFiresAsExpected()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, "test", "rules", AlertTests);

        Assert.True(exitCode == 0, $"promtool test rules exited {exitCode}:\n{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRules_AlertsTestYml_CoversEveryAlert()
    {
        var rules = await File.ReadAllTextAsync(Alerts);
        var tests = await File.ReadAllTextAsync(AlertTests);
        var alerts = System.Text.RegularExpressions.Regex.Matches(rules, @"- alert: (\w+)").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["HighJobFailureRate", "AgentOffline", "ClusterNodeDown", "LongRunningJob", "JobStuckInNeedsResolve", "AgentRefusalsSpike", "BranchEdgeBlocked", "BranchEdgeLagging"], alerts);
        foreach (var alert in alerts)
            Assert.Matches($@"alertname: {alert}\s+exp_alerts:\s+- exp_labels", tests);
    }

    [Fact]
    public async Task Rules_EveryExpression_UsesAnExportedMetric()
    {
        var rules = await File.ReadAllTextAsync(Alerts);
        // The branch gauges have an edge label: they are exported once a graph has edges, which the bot's tests scrape
        // (Branches/BranchBotTests.cs).
        var exported = MetricsTests.Documented.Select(d => d.Name).Concat(["p4_branch_blocked_seconds", "p4_branch_lag_seconds"]).ToHashSet(StringComparer.Ordinal);

        var expressions = System.Text.RegularExpressions.Regex.Matches(rules, @"expr: (.+)").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(expressions);
        foreach (var expression in expressions)
        {
            var metrics = PromQl.MetricNames(expression);
            Assert.NotEmpty(metrics);
            Assert.All(metrics, m => Assert.Contains(m, exported));
        }
    }
}
