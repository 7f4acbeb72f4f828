using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P4Flow.Protocol.Certificates;

/// <summary>
/// Makes the certificates of a P4Flow installation with System.Security.Cryptography alone: a CA, the hub's
/// server certificate and one client certificate per agent (CN = agent name). Keys are ECDSA P-256, cheap to
/// handshake with when a thousand agents reconnect at once.
/// </summary>
public static class CertificateAuthority
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(825);

    /// <summary>A server certificate lives 397 days: what browsers and TLS scanners accept.</summary>
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(397);

    public static X509Certificate2 CreateCa(string commonName = "P4Flow CA", TimeSpan? validity = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}, O=P4Flow"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity ?? CaValidity));
    }

    /// <summary>The hub's certificate: serverAuth only, with the given DNS names and addresses as SANs.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 ca, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan? validity = null, string? crlUrl = null)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(ca, new LeafProfile(commonName, ServerAuthOid, [.. dnsNames], [.. addresses], now.AddMinutes(-5), now.Add(validity ?? ServerValidity), crlUrl));
    }

    /// <summary>An agent's certificate: CN = the agent's name, clientAuth only.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string agentName, TimeSpan? validity = null)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(ca, new LeafProfile(agentName, ClientAuthOid, [], [], now.AddMinutes(-5), now.Add(validity ?? LeafValidity)));
    }

    /// <summary>Any leaf the CA can sign; tests use it for expired or mis-purposed certificates.</summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, LeafProfile profile)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(profile);
        using var caKey = ca.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The CA certificate has no ECDSA private key; issuing needs the CA key.");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(profile.CommonName)}, O=P4Flow"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(profile.ExtendedKeyUsage)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (profile.DnsNames.Count > 0 || profile.Addresses.Count > 0)
        {
            var sans = new SubjectAlternativeNameBuilder();
            foreach (var name in profile.DnsNames) sans.AddDnsName(name);
            foreach (var address in profile.Addresses) sans.AddIpAddress(address);
            request.CertificateExtensions.Add(sans.Build());
        }
        if (profile.CrlUrl is { } crl) request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crl]));
        var notAfter = profile.NotAfter < ca.NotAfter ? profile.NotAfter : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), profile.NotBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("+", "\\+", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

/// <summary>What a leaf certificate says: its CN, its one extended key usage, its SANs and its validity.</summary>
public sealed record LeafProfile(
    string CommonName,
    string ExtendedKeyUsage,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> Addresses,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string? CrlUrl = null);
