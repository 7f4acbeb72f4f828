using System.Net;
using System.Security.Cryptography.X509Certificates;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.Certificates;
using P4Flow.Protocol.Security;

namespace P4Flow.Orchestrator.Trust;

/// <summary>The CA and the hub's certificate on disk: created by `certs init` (or the demo), read by the hub.</summary>
public static class HubCertificates
{
    public const string ServerCommonName = "p4flow-hub";

    /// <summary>A server certificate is issued again when it has less than this left.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>
    /// Creates what is missing: the CA (unless one was brought), the hub's certificate (again when it ends within a month;
    /// naming <paramref name="crlUrl"/> as where the CA's revocation list is served), the command-signing key pair. Returns what it wrote.
    /// </summary>
    public static IReadOnlyList<string> EnsureCreated(HubTlsOptions tls, bool force = false, string? crlUrl = null)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var written = new List<string>();
        var caFile = Path.GetFullPath(tls.CaFile);
        var caKey = Path.GetFullPath(tls.CaKeyFile);
        if (force || !File.Exists(caFile))
        {
            using var ca = CertificateAuthority.CreateCa();
            CertificateFiles.Write(ca, caFile, caKey);
            written.Add(caFile);
            written.Add(caKey);
        }
        if (force || NeedsIssuing(tls.CertFile, tls.KeyFile))
        {
            using var ca = LoadCaForIssuing(tls);
            using var server = CertificateAuthority.IssueServer(ca, ServerCommonName, DnsNames(tls), [IPAddress.Loopback, IPAddress.IPv6Loopback], crlUrl: crlUrl);
            CertificateFiles.Write(server, tls.CertFile, tls.KeyFile);
            written.Add(Path.GetFullPath(tls.CertFile));
            written.Add(Path.GetFullPath(tls.KeyFile));
        }
        var commandKey = CommandKeyFile(tls);
        if (force || !File.Exists(commandKey))
        {
            CommandSignature.CreateKeyPair(commandKey, CommandPublicKeyFile(tls), tls.CommandKeyBits);
            written.Add(commandKey);
            written.Add(CommandPublicKeyFile(tls));
        }
        return written;
    }

    /// <summary>A server certificate (hub or web) that is missing, or ends within <see cref="RenewBefore"/> (they live 397 days).</summary>
    public static bool NeedsIssuing(string certFile, string keyFile)
    {
        if (!File.Exists(Path.GetFullPath(certFile)) || !File.Exists(Path.GetFullPath(keyFile))) return true;
        using var current = CertificateFiles.Load(Path.GetFullPath(certFile));
        return current.NotAfter.ToUniversalTime() - DateTime.UtcNow < RenewBefore;
    }

    /// <summary>The command-signing private key: server.ssl.command_key_file, or command-signing.key beside the CA.</summary>
    public static string CommandKeyFile(HubTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(tls.CommandKeyFile)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tls.CaFile))!, "command-signing.key")
            : tls.CommandKeyFile);
    }

    /// <summary>The public key agents pin to verify commands.</summary>
    public static string CommandPublicKeyFile(HubTlsOptions tls) => Path.ChangeExtension(CommandKeyFile(tls), ".pub");

    /// <summary>An agent's client certificate and key in agents_dir: NAME.crt, NAME.key.</summary>
    public static (string Cert, string Key) IssueAgent(HubTlsOptions tls, string name, bool force = true)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$"))
            throw new ArgumentException($"Agent name '{name}' may hold letters, digits, '.', '_' and '-' (at most 63).", nameof(name));
        var cert = Path.GetFullPath(Path.Combine(tls.AgentsDir, name + ".crt"));
        var key = Path.GetFullPath(Path.Combine(tls.AgentsDir, name + ".key"));
        if (!force && File.Exists(cert) && File.Exists(key)) return (cert, key);
        using var ca = LoadCaForIssuing(tls);
        using var issued = CertificateAuthority.IssueClient(ca, name);
        CertificateFiles.Write(issued, cert, key);
        return (cert, key);
    }

    public static X509Certificate2 LoadCa(HubTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return CertificateFiles.Load(Path.GetFullPath(tls.CaFile));
    }

    public static X509Certificate2 LoadServer(HubTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return CertificateFiles.LoadWithKey(Path.GetFullPath(tls.CertFile), Path.GetFullPath(tls.KeyFile));
    }

    private static X509Certificate2 LoadCaForIssuing(HubTlsOptions tls)
    {
        var caKey = Path.GetFullPath(tls.CaKeyFile);
        if (!File.Exists(caKey))
            throw new InvalidOperationException($"server.ssl.ca_key_file {caKey} does not exist: certificates are issued with the CA's key (with a CA of your own, issue them with your own tools).");
        return CertificateFiles.LoadWithKey(Path.GetFullPath(tls.CaFile), caKey);
    }

    private static IEnumerable<string> DnsNames(HubTlsOptions tls) =>
        new[] { "localhost", Environment.MachineName }.Concat(tls.HostNames).Where(n => !string.IsNullOrWhiteSpace(n) && Uri.CheckHostName(n) == UriHostNameType.Dns).Distinct(StringComparer.OrdinalIgnoreCase);
}
