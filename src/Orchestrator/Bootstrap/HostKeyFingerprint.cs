using System.Security.Cryptography;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>A host key as the server presented it: its type (ssh-ed25519, ...) and its public key blob.</summary>
public sealed record PresentedHostKey(string Type, byte[] Blob)
{
    /// <summary>SHA256:base64 without padding, exactly as `ssh-keygen -lf` prints it.</summary>
    public string Fingerprint => HostKeyFingerprint.Of(Blob);
}

public static class HostKeyFingerprint
{
    public const string Prefix = "SHA256:";

    public static string Of(byte[] blob) => Prefix + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    public static bool IsWellFormed(string? fingerprint)
    {
        if (fingerprint is null || !fingerprint.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var body = fingerprint[Prefix.Length..];
        // 32 bytes are 43 base64 characters without padding.
        return body.Length == 43 && Convert.TryFromBase64String(body + "=", new byte[32], out var written) && written == 32;
    }

    public static bool SameAs(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected.Trim()), System.Text.Encoding.ASCII.GetBytes(actual));
}
