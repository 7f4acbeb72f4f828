using System.Globalization;

namespace P4Flow.Orchestrator.Configuration;

/// <summary>Sizes as written in master.yaml: bytes, or a number with K, M or G (powers of 1024), e.g. 100M.</summary>
public static class ByteSize
{
    /// <summary>Below this a log file would roll on nearly every event.</summary>
    public const long MinimumLogSize = 1024;

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = text?.Trim() ?? "";
        if (value.EndsWith('B') || value.EndsWith('b')) value = value[..^1];
        var multiplier = value.Length == 0 ? 1L : char.ToUpperInvariant(value[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1L,
        };
        if (multiplier != 1) value = value[..^1];
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / multiplier) return false;
        bytes = number * multiplier;
        return true;
    }
}
