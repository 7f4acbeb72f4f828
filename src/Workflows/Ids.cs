namespace P4Flow.Workflows;

/// <summary>Identifiers that sort by creation time.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    /// <summary>Whether <paramref name="value"/> has the form <see cref="New"/> gives: 32 lowercase hex digits.</summary>
    public static bool IsWellFormed(string value) => value is { Length: 32 } && value.All(char.IsAsciiHexDigitLower);
}
