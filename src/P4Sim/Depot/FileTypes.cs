namespace P4Flow.P4Sim.Depot;

/// <summary>p4 file types as this simulator models them: text or binary, with +l for exclusive open.</summary>
internal static class FileTypes
{
    public static bool IsBinary(string type) => type.StartsWith("binary", StringComparison.Ordinal);

    public static bool IsExclusive(string type) => type.Contains("+l", StringComparison.Ordinal);

    /// <summary>Guesses the type of a new file as p4 add does: a NUL byte means binary.</summary>
    public static string Detect(byte[] content) => Array.IndexOf(content, (byte)0) >= 0 ? "binary" : "text";
}
