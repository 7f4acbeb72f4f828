using Microsoft.Extensions.Configuration;

namespace P4Flow.Branches;

/// <summary>The branches: section of config/master.yaml.</summary>
public sealed class BranchesOptions
{
    public const string Section = "branches";

    /// <summary>The graph loaded at start when it changed since it was last loaded (like workflows/); missing or empty: nothing is loaded.</summary>
    [ConfigurationKeyName("file")]
    public string File { get; set; } = "config/branches.yaml";

    /// <summary>Seconds between two looks at every edge's source for new submitted changes (a change-commit trigger's poke comes sooner).</summary>
    [ConfigurationKeyName("poll_interval")]
    public int PollInterval { get; set; } = 30;
}
