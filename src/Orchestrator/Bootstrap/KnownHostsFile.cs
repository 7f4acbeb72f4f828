using System.Security.Cryptography;
using System.Text;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// An OpenSSH known_hosts file: "host[,host...] type base64" lines, "[host]:port" for other ports than 22, hashed
/// names (|1|salt|hash) and @revoked markers. Read-only: entries are added by an administrator (ssh-keyscan, then
/// checked out of band).
/// </summary>
public static class KnownHostsFile
{
    public enum Verdict { Match, Unknown, Changed, Revoked }

    public static Verdict Check(string path, string host, int port, PresentedHostKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!File.Exists(path)) return Verdict.Unknown;
        var name = port == 22 ? host : $"[{host}]:{port}";
        // The whole file is read: an @revoked line wins wherever it stands (revoking is done by appending one).
        var known = false;
        var matched = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var marker = fields[0].StartsWith('@') ? fields[0] : null;
            if (marker is not null) fields = fields[1..];
            if (fields.Length < 3 || !NamesMatch(fields[0], name)) continue;
            if (marker == "@cert-authority") continue;
            var blob = TryDecode(fields[2]);
            var same = blob is not null && fields[1] == key.Type && blob.AsSpan().SequenceEqual(key.Blob);
            if (marker == "@revoked")
            {
                if (same) return Verdict.Revoked;
                continue;
            }
            if (same) matched = true;
            else known = true;
        }
        return matched ? Verdict.Match : known ? Verdict.Changed : Verdict.Unknown;
    }

    private static bool NamesMatch(string patterns, string name)
    {
        if (patterns.StartsWith("|1|", StringComparison.Ordinal))
        {
            var parts = patterns.Split('|');
            if (parts.Length != 4) return false;
            var salt = TryDecode(parts[2]);
            var hash = TryDecode(parts[3]);
            if (salt is null || hash is null) return false;
            // OpenSSH's hashed host names are HMAC-SHA1 by definition; this only matches names, it protects nothing.
#pragma warning disable CA5350
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name)), hash);
#pragma warning restore CA5350
        }
        return patterns.Split(',').Any(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
    }

    private static byte[]? TryDecode(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? buffer[..written] : null;
    }
}
