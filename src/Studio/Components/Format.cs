using System.Globalization;

namespace P4Flow.Studio.Components;

/// <summary>How the Studio writes times and durations: UTC, to the second, the same on every page.</summary>
public static class Format
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string When(DateTime at) => When(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)));

    public static string When(DateTime? at) => at is { } value ? When(value) : "—";

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } d) return "—";
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        if (d.TotalSeconds < 1) return $"{d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
        if (d.TotalMinutes < 1) return $"{d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
        if (d.TotalHours < 1) return $"{(int)d.TotalMinutes} min {d.Seconds} s";
        return $"{(int)d.TotalHours} h {d.Minutes} min";
    }

    public static string ShortId(string id) => id.Length > 8 ? id[..8] : id;
}
