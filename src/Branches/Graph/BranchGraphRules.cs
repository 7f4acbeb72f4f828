using System.Globalization;
using System.Text.RegularExpressions;

namespace P4Flow.Branches.Graph;

/// <summary>What the host knows that the graph must agree with; a null set is not checked.</summary>
public sealed record GraphContext(IReadOnlySet<string>? Servers = null, IReadOnlySet<string>? Workflows = null);

/// <summary>
/// Every rule a branch graph must keep, each broken one named by the field it is in: <c>nodes[main].path</c>,
/// <c>edges[main -> rel].flow</c>. A graph with no errors is one the bot can run.
/// </summary>
public static partial class BranchGraphRules
{
    public const int MaxNodes = 1_000;
    public const int MaxEdges = 5_000;
    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <returns>Field -> its errors; empty when the graph is good.</returns>
    public static IReadOnlyDictionary<string, string[]> Check(BranchGraph graph, GraphContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        if (graph.Nodes.Count > MaxNodes) Add("nodes", $"at most {MaxNodes} nodes (got {graph.Nodes.Count}).");
        if (graph.Edges.Count > MaxEdges) Add("edges", $"at most {MaxEdges} edges (got {graph.Edges.Count}).");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var places = new Dictionary<(string, string), string>();
        foreach (var node in graph.Nodes)
        {
            var at = $"nodes[{node.Name}]";
            if (!NodeName().IsMatch(node.Name ?? "")) Add(at + ".name", "a name is 1 to 64 letters, digits, '.', '_' or '-'.");
            else if (!names.Add(node.Name!)) Add(at + ".name", $"two nodes are named '{node.Name}'.");
            if (!IsBranchPath(node.Path)) Add(at + ".path", $"'{node.Path}' is not a depot path ending in /... (//depot/main/...) or a stream (//streams/main).");
            if (!string.IsNullOrEmpty(node.Server) && context?.Servers is { } servers && !servers.Contains(node.Server))
                Add(at + ".server", $"'{node.Server}' is not one of perforce.servers ({string.Join(", ", servers.Order(StringComparer.Ordinal))}).");
            if (node.Path is not null && !places.TryAdd((node.Server ?? "", node.Path), node.Name ?? ""))
                Add(at + ".path", $"node '{places[(node.Server ?? "", node.Path)]}' is {node.Path} on the same server already.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in graph.Edges)
        {
            var at = $"edges[{edge.Id}]";
            if (!ids.Add(edge.Id)) Add(at, "this edge is there twice.");
            if (graph.Node(edge.Source) is null) Add(at + ".source", $"no node is named '{edge.Source}'.");
            if (graph.Node(edge.Target) is null) Add(at + ".target", $"no node is named '{edge.Target}'.");
            if (edge.Source == edge.Target) Add(at + ".target", "an edge goes from one branch to another, not to itself.");
            if (string.IsNullOrWhiteSpace(edge.Workflow)) Add(at + ".workflow", "the workflow that integrates one change is required.");
            else if (context?.Workflows is { } workflows && !workflows.Contains(edge.Workflow))
                Add(at + ".workflow", $"no published workflow is named '{edge.Workflow}'.");
            if (edge.Flow is not (BranchEdge.Automatic or BranchEdge.Manual)) Add(at + ".flow", $"flow is automatic or manual (got '{edge.Flow}').");
            CheckGate(edge.Gate, at + ".gate", Add);
            CheckExclusions(edge.Exclusions, at + ".exclusions", Add);
            CheckWindow(edge.Window, at + ".window", Add);
            foreach (var (list, key) in new[] { (edge.AgentRequirements?.Capabilities, "capabilities"), (edge.AgentRequirements?.Labels, "labels") })
                if (list?.Any(string.IsNullOrWhiteSpace) == true) Add($"{at}.agent_requirements.{key}", "an empty entry.");
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>//depot/main/... or a stream //streams/main: two slashes, no wildcard but the last "...".</summary>
    public static bool IsBranchPath(string? path)
    {
        if (path is null || path.Length > 1024 || !path.StartsWith("//", StringComparison.Ordinal) || path.Any(c => char.IsControl(c) || c is '*' or '%' or '@' or '#')) return false;
        var body = path.EndsWith("/...", StringComparison.Ordinal) ? path[..^4] : path;
        var parts = body[2..].Split('/');
        return parts.Length >= (path.EndsWith("/...", StringComparison.Ordinal) ? 1 : 2) && parts.All(p => p.Length > 0 && !p.Contains("...", StringComparison.Ordinal));
    }

    private static void CheckGate(EdgeGate? gate, string at, Action<string, string> add)
    {
        if (gate is null) return;
        var counter = !string.IsNullOrWhiteSpace(gate.Counter);
        var url = !string.IsNullOrWhiteSpace(gate.Url);
        if (counter == url) add(at, "a gate is either a counter or a url.");
        if (counter && !CounterName().IsMatch(gate.Counter!)) add(at + ".counter", $"'{gate.Counter}' is not a Perforce counter name.");
        if (url && (!Uri.TryCreate(gate.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            add(at + ".url", $"'{gate.Url}' is not an http or https URL.");
    }

    private static void CheckExclusions(EdgeExclusions? exclusions, string at, Action<string, string> add)
    {
        if (exclusions is null) return;
        foreach (var path in exclusions.Paths ?? [])
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith("//", StringComparison.Ordinal)) add(at + ".paths", $"'{path}' is not a depot path.");
        foreach (var author in exclusions.Authors ?? [])
            if (string.IsNullOrWhiteSpace(author) || author.Any(char.IsWhiteSpace)) add(at + ".authors", $"'{author}' is not a Perforce user name.");
        if (string.IsNullOrEmpty(exclusions.Description)) return;
        try
        {
            _ = new Regex(exclusions.Description, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            add(at + ".description", $"not a regular expression: {ex.Message}");
        }
    }

    private static void CheckWindow(IntegrationWindow? window, string at, Action<string, string> add)
    {
        if (window is null) return;
        foreach (var (value, key) in new[] { (window.From, "from"), (window.To, "to") })
            if (!TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) add($"{at}.{key}", $"'{value}' is not a time of day as HH:mm.");
        if (window.From is not null && window.From == window.To) add(at, "a window from a time to the same time is empty.");
        foreach (var day in window.Days ?? [])
            if (!Days.Contains(day)) add(at + ".days", $"'{day}' is not one of {string.Join(", ", Days)}.");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NodeName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex CounterName();
}
