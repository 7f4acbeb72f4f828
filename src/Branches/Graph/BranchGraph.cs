namespace P4Flow.Branches.Graph;

/// <summary>
/// The branches P4Flow keeps in step: nodes are depot paths (or streams) on a named server, edges say how a change
/// submitted on one moves to another. Kept in the store, edited over the API, imported and exported as YAML.
/// </summary>
public sealed record BranchGraph(IReadOnlyList<BranchNode> Nodes, IReadOnlyList<BranchEdge> Edges)
{
    public static readonly BranchGraph Empty = new([], []);

    public BranchNode? Node(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    public BranchEdge? Edge(string id) => Edges.FirstOrDefault(e => e.Id == id);
}

/// <param name="Name">How edges, the API and the Studio name it: letters, digits, '.', '_' and '-'.</param>
/// <param name="Path">A depot path ending in /... (//depot/main/...) or a stream (//streams/main).</param>
/// <param name="Server">A name from perforce.servers; empty: the default server.</param>
public sealed record BranchNode(string Name, string Path, string? Server = null);

/// <summary>How each change submitted on <see cref="Source"/> goes to <see cref="Target"/>.</summary>
/// <param name="Workflow">The workflow that integrates one change.</param>
/// <param name="Flow">automatic, or manual: a change waits until someone approves it.</param>
/// <param name="Gate">Integrate only up to the last change a counter or a URL marks good.</param>
/// <param name="Window">When changes may be integrated (server time of the orchestrator, UTC).</param>
/// <param name="AgentRequirements">What the agent that runs the edge's jobs must have.</param>
public sealed record BranchEdge(
    string Source,
    string Target,
    string Workflow = BranchEdge.DefaultWorkflow,
    string Flow = BranchEdge.Automatic,
    EdgeGate? Gate = null,
    EdgeExclusions? Exclusions = null,
    IntegrationWindow? Window = null,
    EdgeRequirements? AgentRequirements = null,
    bool Paused = false)
{
    public const string DefaultWorkflow = "p4-integrate";
    public const string Automatic = "automatic";
    public const string Manual = "manual";

    /// <summary>"main -> rel": how the API, errors and the Studio name the edge.</summary>
    public string Id => IdOf(Source, Target);

    public static string IdOf(string source, string target) => $"{source} -> {target}";
}

/// <summary>Exactly one of a Perforce counter holding the last good change, or a URL that answers it.</summary>
public sealed record EdgeGate(string? Counter = null, string? Url = null);

/// <summary>Changes the edge never integrates: touching only these paths, by these authors, or whose description matches.</summary>
public sealed record EdgeExclusions(IReadOnlyList<string>? Paths = null, IReadOnlyList<string>? Authors = null, string? Description = null);

/// <param name="From">HH:mm, UTC.</param>
/// <param name="To">HH:mm, UTC; before From: the window spans midnight.</param>
/// <param name="Days">mon..sun; empty: every day.</param>
public sealed record IntegrationWindow(string From, string To, IReadOnlyList<string>? Days = null)
{
    /// <summary>Whether <paramref name="at"/> (taken in UTC) falls in the window; a window past midnight belongs to the day it opened.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var from = TimeOnly.ParseExact(From, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var to = TimeOnly.ParseExact(To, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var time = TimeOnly.FromDateTime(utc);
        DateTime opened;
        if (from < to)
        {
            if (time < from || time >= to) return false;
            opened = utc.Date;
        }
        else
        {
            if (time < from && time >= to) return false;
            opened = time >= from ? utc.Date : utc.Date.AddDays(-1);
        }
        return Days is not { Count: > 0 } days || days.Contains(opened.DayOfWeek.ToString()[..3].ToLowerInvariant());
    }
}

public sealed record EdgeRequirements(IReadOnlyList<string>? Capabilities = null, IReadOnlyList<string>? Labels = null);
