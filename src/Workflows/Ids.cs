namespace P4Flow.Workflows;

/// <summary>Identifiers that sort by creation time.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");
}
