using System.Globalization;

namespace P4Flow.P4Sim;

/// <summary>Server time; P4SIM_NOW (unix seconds) pins it so output can be compared exactly.</summary>
internal static class Clock
{
    public static long Now(IReadOnlyDictionary<string, string> environment) =>
        long.TryParse(environment.GetValueOrDefault("P4SIM_NOW"), CultureInfo.InvariantCulture, out var pinned)
            ? pinned
            : DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
