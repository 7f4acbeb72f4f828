using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace P4Flow.Notifications.Channels;

/// <summary>
/// How a generic webhook's receiver knows a body came from P4Flow, unchanged and recently:
/// <c>X-P4Flow-Signature: sha256=HEX</c> where HEX is HMAC-SHA256, keyed with the channel's secret, of
/// <c>TIMESTAMP + "." + BODY</c>, and TIMESTAMP is <c>X-P4Flow-Timestamp</c> (Unix seconds). A receiver refuses a
/// timestamp outside its replay window (P4Flow's own check allows five minutes either way) and deduplicates on
/// <c>Idempotency-Key</c>, which stays the same across every retry of one message.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-P4Flow-Signature";
    public const string TimestampHeader = "X-P4Flow-Timestamp";
    public const string EventHeader = "X-P4Flow-Event";
    public const string IdempotencyHeader = "Idempotency-Key";
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Why a received call must be refused, or null when it is genuine and recent.</summary>
    public static string? Problem(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? window = null)
    {
        if (string.IsNullOrEmpty(signatureHeader)) return $"{SignatureHeader} is missing.";
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return $"{TimestampHeader} is missing or not Unix seconds.";
        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > (window ?? ReplayWindow)) return $"{TimestampHeader} is {age.TotalSeconds:F0} s away from now, outside the replay window.";
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var given = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : $"{SignatureHeader} does not match the body.";
    }
}
