using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.Certificates;

namespace P4Flow.Orchestrator.Trust;

/// <summary>
/// The HTTPS port's own certificate, issued by the P4Flow CA into certs/web.crt and web.key when the CA's key is at
/// hand: valid 397 days (what browsers accept), renewed a month before it ends, and naming where its CA's revocation
/// list is served (an empty list, signed again at every start). Without the CA's key the hub's certificate serves.
/// </summary>
public static class WebCertificate
{
    public const string CrlPath = "/pki/ca.crl";
    public static readonly TimeSpan Validity = CertificateAuthority.ServerValidity;

    public static string CertFile(HubTlsOptions tls) => Beside(tls, "web.crt");

    public static string KeyFile(HubTlsOptions tls) => Beside(tls, "web.key");

    public static string CrlFile(HubTlsOptions tls) => Beside(tls, "ca.crl");

    /// <summary>The certificate HTTPS presents: the web certificate (issued or renewed now if needed), else the hub's.</summary>
    public static X509Certificate2 Load(HubTlsOptions tls, ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(server);
        var caKey = Path.GetFullPath(tls.CaKeyFile);
        if (!File.Exists(caKey)) return HubCertificate(tls);
        using var ca = CertificateFiles.LoadWithKey(Path.GetFullPath(tls.CaFile), caKey);
        if (HubCertificates.NeedsIssuing(CertFile(tls), KeyFile(tls))) Issue(ca, tls, server);
        WriteCrl(ca, tls);
        return CertificateFiles.LoadWithKey(CertFile(tls), KeyFile(tls));
    }

    private static X509Certificate2 HubCertificate(HubTlsOptions tls) => HubCertificates.LoadServer(tls);

    private static void Issue(X509Certificate2 ca, HubTlsOptions tls, ServerOptions server)
    {
        var dnsNames = new[] { "localhost", Environment.MachineName }.Concat(tls.HostNames).Where(n => Uri.CheckHostName(n) == UriHostNameType.Dns).Distinct(StringComparer.OrdinalIgnoreCase);
        var addresses = new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }.Append(IPAddress.TryParse(server.Host, out var host) ? host : IPAddress.Loopback).Distinct();
        using var issued = CertificateAuthority.IssueServer(ca, "p4flow-web", dnsNames, addresses, Validity, CrlUrl(server));
        CertificateFiles.Write(issued, CertFile(tls), KeyFile(tls));
    }

    // Nothing is revoked; the list says so, signed by the CA, until the web certificate ends.
    private static void WriteCrl(X509Certificate2 ca, HubTlsOptions tls)
    {
        using var web = CertificateFiles.Load(CertFile(tls));
        var crl = new CertificateRevocationListBuilder().Build(ca, new BigInteger(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), new DateTimeOffset(web.NotAfter.ToUniversalTime()), HashAlgorithmName.SHA256);
        File.WriteAllBytes(CrlFile(tls), crl);
    }

    // Plain HTTP on purpose: a revocation list is signed, and fetching it over the TLS it vouches for would go round in circles.
    public static string CrlUrl(ServerOptions server) => $"http://{server.Host}:{server.HttpPort}{CrlPath}";

    private static string Beside(HubTlsOptions tls, string name) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tls.CertFile))!, name);
}
