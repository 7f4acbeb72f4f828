namespace P4Flow.P4Sim.Commands;

/// <summary>How list commands (changes, clients) show a description on their one-line form.</summary>
internal static class Descriptions
{
    /// <summary>The first 31 characters, newlines as spaces; shared so a correction of the rule lands once.</summary>
    public static string Short(string description)
    {
        var flat = description.Replace('\n', ' ');
        return flat.Length > 31 ? flat[..31] : flat;
    }
}
