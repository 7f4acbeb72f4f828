using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.V1;

namespace P4Flow.Protocol.Security;

/// <summary>
/// The hub's signature over every field of a <see cref="Command"/> the agent acts on, plus the agent it is meant
/// for: RSA-PSS/SHA-256 over the RFC 8785 canonical JSON of those fields. The signature field holds
/// "KEY_ID:BASE64"; the key id is derived from the public key, so an agent can pin several keys while the hub's
/// key is rotated.
/// </summary>
public static class CommandSignature
{
    /// <summary>
    /// RSA-2048 by default: 112-bit strength, approved for signing through 2030, and a signature costs about 0.3 ms on
    /// the dispatch path against 2 ms for RSA-3072 (server.ssl.command_key_bits chooses; agents pin whichever key).
    /// </summary>
    public const int DefaultKeySizeBits = 2048;

    /// <summary>Keys an agent accepts and `certs init` makes.</summary>
    public static readonly IReadOnlyList<int> KeySizes = [2048, 3072, 4096];

    /// <summary>
    /// The canonical JSON: keys sorted (they are written in sorted order here), no whitespace, strings escaped as
    /// RFC 8785 says. timeout is whole milliseconds, stdin is null when absent so "absent" and "empty" differ.
    /// </summary>
    public static byte[] Canonical(Command command, string agentId)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(agentId);
        var json = new StringBuilder(256);
        json.Append("{\"agent_id\":");
        AppendString(json, agentId);
        json.Append(",\"args\":[");
        for (var i = 0; i < command.Args.Count; i++)
        {
            if (i > 0) json.Append(',');
            AppendString(json, command.Args[i]);
        }
        // Numbers beyond 2^53 are not exact in RFC 8785 (IEEE doubles); ids are written as decimal integers,
        // which is what a compliant canonicaliser writes for every id the hub can reach in practice.
        json.Append("],\"cmd_id\":").Append(command.CmdId.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"env\":{");
        var first = true;
        foreach (var key in command.Env.Keys.Order(StringComparer.Ordinal))
        {
            if (!first) json.Append(',');
            first = false;
            AppendString(json, key);
            json.Append(':');
            AppendString(json, command.Env[key]);
        }
        json.Append("},\"job_id\":");
        AppendString(json, command.JobId);
        json.Append(",\"stage\":");
        AppendString(json, command.Stage);
        json.Append(",\"stdin\":");
        if (command.HasStdin) AppendString(json, command.Stdin);
        else json.Append("null");
        json.Append(",\"timeout\":");
        var timeout = command.Timeout is null ? 0 : (long)command.Timeout.ToTimeSpan().TotalMilliseconds;
        json.Append(timeout.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"token\":");
        AppendString(json, command.Token);
        json.Append(",\"workspace\":");
        AppendString(json, command.Workspace);
        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A short, stable id for a public key: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyId(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>Fills <see cref="Command.Signature"/>; call it after every field (cmd_id, token) is set.</summary>
    /// <param name="keyId">The key's <see cref="KeyId"/>, when the caller keeps it (it hashes the whole public key).</param>
    public static void Sign(Command command, string agentId, RSA key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Signature = SignatureOf(Canonical(command, agentId), key, keyId);
    }

    /// <summary>Null when the signature is good and made by one of <paramref name="keys"/> (by key id); otherwise why not.</summary>
    public static string? Verify(Command command, string agentId, IReadOnlyDictionary<string, RSA> keys)
    {
        ArgumentNullException.ThrowIfNull(command);
        return VerifySignature(command.Signature, Canonical(command, agentId), keys, "command");
    }

    /// <summary>
    /// A JobEnded has the agent remove the job's folder, so it is signed like a command, over
    /// {"agent_id","job_id","message":"job_ended","succeeded"}.
    /// </summary>
    public static void Sign(JobEnded ended, string agentId, RSA key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(ended);
        ended.Signature = SignatureOf(Canonical(ended, agentId), key, keyId);
    }

    public static string? Verify(JobEnded ended, string agentId, IReadOnlyDictionary<string, RSA> keys)
    {
        ArgumentNullException.ThrowIfNull(ended);
        return VerifySignature(ended.Signature, Canonical(ended, agentId), keys, "message");
    }

    private static byte[] Canonical(JobEnded ended, string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        var json = new StringBuilder(128);
        json.Append("{\"agent_id\":");
        AppendString(json, agentId);
        json.Append(",\"job_id\":");
        AppendString(json, ended.JobId);
        json.Append(",\"message\":\"job_ended\",\"succeeded\":").Append(ended.Succeeded ? "true" : "false").Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static string SignatureOf(byte[] canonical, RSA key, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (keyId ?? KeyId(key)) + ":" + Convert.ToBase64String(key.SignData(canonical, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    private static string? VerifySignature(string signed, byte[] canonical, IReadOnlyDictionary<string, RSA> keys, string what)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrEmpty(signed)) return $"the {what} is not signed";
        var colon = signed.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return "the signature is not KEY_ID:BASE64";
        var keyId = signed[..colon];
        if (!keys.TryGetValue(keyId, out var key)) return $"the signature is by key {keyId}, which this agent does not trust";
        var signature = new byte[(signed.Length - colon) * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(signed[(colon + 1)..], signature, out var length)) return "the signature is not valid base64";
        return key.VerifyData(canonical, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
            ? null
            : $"the signature does not match the {what} (it was altered, or signed for another agent)";
    }

    /// <summary>Public keys from PEM files, by key id; a key shorter than 2048 bits is refused (the file is named).</summary>
    public static IReadOnlyDictionary<string, RSA> LoadPublicKeys(IEnumerable<string> pemFiles)
    {
        ArgumentNullException.ThrowIfNull(pemFiles);
        var keys = new Dictionary<string, RSA>(StringComparer.Ordinal);
        try
        {
            foreach (var file in pemFiles)
            {
                var key = RSA.Create();
                try
                {
                    key.ImportFromPem(File.ReadAllText(file));
                    if (key.KeySize < KeySizes[0])
                        throw new CryptographicException($"{file} holds a {key.KeySize}-bit RSA key; command keys must have at least {KeySizes[0]} bits.");
                }
                catch
                {
                    key.Dispose();
                    throw;
                }
                // The same key in two files: one copy is enough.
                if (!keys.TryAdd(KeyId(key), key)) key.Dispose();
            }
            return keys;
        }
        catch
        {
            // A refused file refuses them all: the keys read before it are not handed out, so they are let go here.
            foreach (var loaded in keys.Values) loaded.Dispose();
            throw;
        }
    }

    /// <summary>A new key of <paramref name="bits"/> (one of <see cref="KeySizes"/>): the private key (PKCS#8, mode 0600) and its public key beside it.</summary>
    public static void CreateKeyPair(string privateKeyFile, string publicKeyFile, int bits = DefaultKeySizeBits)
    {
        if (!KeySizes.Contains(bits)) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"command keys have {string.Join(", ", KeySizes)} bits");
        using var key = RSA.Create(bits);
        CertificateFiles.WriteText(privateKeyFile, key.ExportPkcs8PrivateKeyPem(), CertificateFiles.PrivateMode);
        CertificateFiles.WriteText(publicKeyFile, key.ExportSubjectPublicKeyInfoPem(), CertificateFiles.PublicMode);
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20) json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
