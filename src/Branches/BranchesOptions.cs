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

    /// <summary>
    /// Who owns a change's conflicts instead of its author: author -> owner (a contractor's lead, a build account's
    /// team). Owners are told, and a shelf made for the owner is theirs.
    /// </summary>
    [ConfigurationKeyName("owners")]
    public Dictionary<string, string> Owners { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The owner of a change by <paramref name="author"/>: the owners map's entry, else the author.</summary>
    public string OwnerOf(string author) => Owners.TryGetValue(author, out var owner) && !string.IsNullOrWhiteSpace(owner) ? owner.Trim() : author;
}
