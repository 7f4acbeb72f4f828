using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace P4Flow.Orchestrator.Tests.Observability;

/// <summary>config/prometheus/alertmanager.yml through amtool, as Alertmanager would load it, and routed as it would route alerts.yml's alerts.</summary>
public sealed class AlertmanagerConfigTests
{
    private static string Config => Path.Combine(Promtool.ConfigDir, "prometheus", "alertmanager.yml");
    private static string Alerts => Path.Combine(Promtool.ConfigDir, "prometheus", "alerts.yml");

    /// <summary>The value the scrape gives `instance` (monitoring.metrics_port), and a stand-in for the labels an expression keeps.</summary>
    private const string Instance = "127.0.0.1:9091";
    private const string KeptLabelValue = "example";

    // The credentials file need not exist: amtool (like Alertmanager at load) checks the file's setting, and the
    // webhook reads it at each request. So the repository's file is checked as it is, not a copy.
    [Fact]
    public async Task CheckConfig_AlertmanagerYml_IsValid()
    {
        var (exitCode, _, output) = await Amtool.RunAsync("check-config", Config);

        Assert.True(exitCode == 0, $"amtool check-config exited {exitCode}:\n{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
        Assert.Contains("1 receivers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoutesTest_EveryAlertOfAlertsYml_ReachesP4Flow()
    {
        var rules = Rules();

        Assert.Equal(["HighJobFailureRate", "AgentOffline", "ClusterNodeDown", "LongRunningJob", "JobStuckInNeedsResolve", "AgentRefusalsSpike", "BranchEdgeBlocked", "BranchEdgeLagging"], rules.Select(r => r["alertname"]));
        foreach (var labels in rules)
        {
            var args = new List<string> { "config", "routes", "test", $"--config.file={Config}", "--verify.receivers=p4flow" };
            args.AddRange(labels.Select(l => $"{l.Key}={l.Value}"));

            var (exitCode, stdout, output) = await Amtool.RunAsync([.. args]);

            Assert.True(exitCode == 0, $"amtool {string.Join(' ', args)} exited {exitCode}:\n{output}");
            Assert.Equal("p4flow", stdout.Trim());
        }
    }

    [Fact]
    public void Receiver_P4Flow_PostsToTheOrchestratorWithAnApiKeyFromAFile()
    {
        var root = Load(Config);
        var receiver = Assert.Single(Sequence(root, "receivers"));
        Assert.Equal("p4flow", Scalar(receiver, "name"));
        var webhook = Assert.Single(Sequence(receiver, "webhook_configs"));

        Assert.Equal("http://127.0.0.1:5000/api/alerts/alertmanager", Scalar(webhook, "url"));
        Assert.Equal("true", Scalar(webhook, "send_resolved"));
        // P4Flow refuses a body of more than 1000 alerts (AlertmanagerWebhook.MaxAlerts); 0 would mean no limit.
        Assert.InRange(int.Parse(Scalar(webhook, "max_alerts")!, System.Globalization.CultureInfo.InvariantCulture), 1, 1000);
        var authorization = (YamlMappingNode)((YamlMappingNode)webhook["http_config"])["authorization"];
        Assert.Equal("ApiKey", Scalar(authorization, "type"));
        Assert.False(string.IsNullOrEmpty(Scalar(authorization, "credentials_file")));
        Assert.Null(Scalar(authorization, "credentials"));
    }

    /// <summary>Each rule's labels as an alert of it carries them: its name, the rule's labels, and what its expression keeps.</summary>
    private static List<Dictionary<string, string>> Rules()
    {
        var rules = Sequence(Load(Alerts), "groups").SelectMany(group => Sequence(group, "rules"));
        return rules.Select(rule =>
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = Scalar(rule, "alert")! };
            var expression = Scalar(rule, "expr")!;
            // An expression that aggregates keeps only its `by` labels; one that does not keeps the scraped `instance`.
            var by = Regex.Match(expression, @"\bby\s*\(([^)]*)\)");
            if (by.Success)
                foreach (var name in by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    labels[name] = name == "instance" ? Instance : KeptLabelValue;
            else if (!Regex.IsMatch(expression, @"^\s*(sum|avg|min|max|count)\s*\("))
                labels["instance"] = Instance;
            if (rule.Children.TryGetValue(new YamlScalarNode("labels"), out var ruleLabels))
                foreach (var (key, value) in ((YamlMappingNode)ruleLabels).Children)
                    labels[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value!;
            return labels;
        }).ToList();
    }

    private static YamlMappingNode Load(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[key]).Children.Cast<YamlMappingNode>();

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
