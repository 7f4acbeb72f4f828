using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace P4Flow.P4Sim.Security;

/// <summary>The simulated server's SSL key, known by its fingerprint: 20 bytes as colon-separated upper-case hex, like p4's SHA-1 fingerprints.</summary>
internal static partial class SslKey
{
    public static string NewFingerprint() => string.Join(':', RandomNumberGenerator.GetBytes(20).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    public static bool IsFingerprint(string text) => FingerprintPattern().IsMatch(text);

    /// <summary>The depot's fingerprint, made (and the state marked for saving) the first time it is asked for.</summary>
    public static string Of(Depot.DepotState state, out bool created)
    {
        created = state.SslFingerprint is null;
        state.SslFingerprint ??= NewFingerprint();
        return state.SslFingerprint;
    }

    [GeneratedRegex("^[0-9A-F]{2}(:[0-9A-F]{2}){19}$")]
    private static partial Regex FingerprintPattern();
}
