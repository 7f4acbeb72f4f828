using P4Flow.Workflows.State;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace P4Flow.Branches.Graph;

/// <summary>
/// The graph as people write it (config/branches.yaml, the API's import and export): nodes by name, then edges.
/// <code>
/// nodes:
///   main: { path: "//depot/main/..." }
///   rel:  { path: "//depot/rel/...", server: "main" }
/// edges:
///   - { source: main, target: rel, flow: automatic, gate: { counter: main-good } }
/// </code>
/// </summary>
public static class BranchGraphYaml
{
    /// <summary>The most a graph file may hold: a graph of the rules' limits fits well within it.</summary>
    public const int MaxChars = 4 * 1024 * 1024;

    private static readonly IDeserializer Reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
    private static readonly ISerializer Writer = new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections).Build();

    /// <exception cref="WorkflowInputException">The text is not a graph (errors by line) or the graph breaks a rule (errors by field).</exception>
    public static BranchGraph Read(string yaml, GraphContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxChars) throw Single("yaml", $"a graph is at most {MaxChars} characters (got {yaml.Length}).");
        GraphFile? file;
        try
        {
            file = Reader.Deserialize<GraphFile?>(yaml);
        }
        catch (YamlException ex)
        {
            throw Single($"line {ex.Start.Line}", Reason(ex));
        }
        var graph = ToGraph(file ?? new GraphFile());
        var errors = BranchGraphRules.Check(graph, context);
        if (errors.Count > 0) throw new WorkflowInputException(errors);
        return graph;
    }

    public static string Write(BranchGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var file = new GraphFile
        {
            Nodes = graph.Nodes.ToDictionary(n => n.Name, n => (NodeFile?)new NodeFile { Path = n.Path, Server = string.IsNullOrEmpty(n.Server) ? null : n.Server }, StringComparer.Ordinal),
            Edges = [.. graph.Edges.Select(e => new EdgeFile
            {
                Source = e.Source,
                Target = e.Target,
                Workflow = e.Workflow == BranchEdge.DefaultWorkflow ? null : e.Workflow,
                Flow = e.Flow,
                Gate = e.Gate is { } g ? new GateFile { Counter = g.Counter, Url = g.Url } : null,
                Exclusions = e.Exclusions is { } x ? new ExclusionsFile { Paths = x.Paths?.ToList(), Authors = x.Authors?.ToList(), Description = x.Description } : null,
                Window = e.Window is { } w ? new WindowFile { From = w.From, To = w.To, Days = w.Days?.ToList() } : null,
                AgentRequirements = e.AgentRequirements is { } r ? new RequirementsFile { Capabilities = r.Capabilities?.ToList(), Labels = r.Labels?.ToList() } : null,
                Paused = e.Paused ? true : null,
            })],
        };
        return Writer.Serialize(file);
    }

    private static BranchGraph ToGraph(GraphFile file) => new(
        [.. (file.Nodes ?? []).Select(n => new BranchNode(n.Key, n.Value?.Path ?? "", string.IsNullOrEmpty(n.Value?.Server) ? null : n.Value.Server))],
        [.. (file.Edges ?? []).Where(e => e is not null).Select(e => new BranchEdge(
            e!.Source ?? "", e.Target ?? "", e.Workflow ?? BranchEdge.DefaultWorkflow, e.Flow ?? BranchEdge.Automatic,
            e.Gate is { } g ? new EdgeGate(g.Counter, g.Url) : null,
            e.Exclusions is { } x ? new EdgeExclusions(x.Paths, x.Authors, x.Description) : null,
            e.Window is { } w ? new IntegrationWindow(w.From ?? "", w.To ?? "", w.Days) : null,
            e.AgentRequirements is { } r ? new EdgeRequirements(r.Capabilities, r.Labels) : null,
            e.Paused ?? false))]);

    /// <summary>YamlDotNet's message without its position (the key says the line), and an unknown key said plainly.</summary>
    private static string Reason(YamlException ex)
    {
        var message = (ex.InnerException?.Message ?? ex.Message).Trim();
        var unknown = System.Text.RegularExpressions.Regex.Match(message, "Property '([^']+)' not found on type '[^']*?\\.?([A-Za-z]+)File'");
        return unknown.Success ? $"unknown key '{unknown.Groups[1].Value}' in {unknown.Groups[2].Value.ToLowerInvariant()}" : message;
    }

    private static WorkflowInputException Single(string field, string message) => new(field, message);

    // The file's shape, as YamlDotNet reads and writes it (snake_case keys; an unknown key is an error).
    private sealed class GraphFile
    {
        public Dictionary<string, NodeFile?>? Nodes { get; set; }
        public List<EdgeFile?>? Edges { get; set; }
    }

    private sealed class NodeFile
    {
        public string? Path { get; set; }
        public string? Server { get; set; }
    }

    private sealed class EdgeFile
    {
        public string? Source { get; set; }
        public string? Target { get; set; }
        public string? Workflow { get; set; }
        public string? Flow { get; set; }
        public GateFile? Gate { get; set; }
        public ExclusionsFile? Exclusions { get; set; }
        public WindowFile? Window { get; set; }
        public RequirementsFile? AgentRequirements { get; set; }
        public bool? Paused { get; set; }
    }

    private sealed class GateFile
    {
        public string? Counter { get; set; }
        public string? Url { get; set; }
    }

    private sealed class ExclusionsFile
    {
        public List<string>? Paths { get; set; }
        public List<string>? Authors { get; set; }
        public string? Description { get; set; }
    }

    private sealed class WindowFile
    {
        public string? From { get; set; }
        public string? To { get; set; }
        public List<string>? Days { get; set; }
    }

    private sealed class RequirementsFile
    {
        public List<string>? Capabilities { get; set; }
        public List<string>? Labels { get; set; }
    }
}
