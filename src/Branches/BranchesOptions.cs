using Microsoft.Extensions.Configuration;

namespace P4Flow.Branches;

/// <summary>The branches: section of config/master.yaml.</summary>
public sealed class BranchesOptions
{
    public const string Section = "branches";

    /// <summary>The graph loaded at start when it changed since it was last loaded (like workflows/); missing or empty: nothing is loaded.</summary>
    [ConfigurationKeyName("file")]
    public string File { get; set; } = "config/branches.yaml";
}
