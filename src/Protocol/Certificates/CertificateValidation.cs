using System.Security.Cryptography.X509Certificates;

namespace P4Flow.Protocol.Certificates;

/// <summary>
/// Checks a peer's certificate against our CA only (never the system store): chain, validity, extended key usage,
/// and for the hub its host name. Each check answers null when the certificate passes, else the reason in words.
/// </summary>
public static class CertificateValidation
{
    /// <summary>An agent's certificate as the hub sees it.</summary>
    public static string? ValidateClient(X509Certificate2? certificate, X509Certificate2 ca, DateTimeOffset? at = null) =>
        Validate(certificate, ca, CertificateAuthority.ClientAuthOid, "client", at);

    /// <summary>The hub's certificate as an agent sees it: chained to the CA, serverAuth, and naming <paramref name="host"/>.</summary>
    public static string? ValidateServer(X509Certificate2? certificate, X509Certificate2 ca, string host, DateTimeOffset? at = null)
    {
        var reason = Validate(certificate, ca, CertificateAuthority.ServerAuthOid, "server", at);
        if (reason is not null) return reason;
        return certificate!.MatchesHostname(host, allowWildcards: true, allowCommonName: false)
            ? null
            : $"the hub's certificate does not name host '{host}' (subject alternative names: {SubjectAlternativeNames(certificate)})";
    }

    public static string CommonName(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    private static string? Validate(X509Certificate2? certificate, X509Certificate2 ca, string usageOid, string role, DateTimeOffset? at)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (certificate is null) return $"no {role} certificate was presented";
        var now = at ?? DateTimeOffset.UtcNow;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            return $"the certificate of '{CommonName(certificate)}' is not valid now (valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u})";
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Select(o => o.Value).ToList();
        if (!usages.Contains(usageOid))
            return $"the certificate of '{CommonName(certificate)}' is not a {role} certificate (extended key usages: {(usages.Count == 0 ? "none" : string.Join(", ", usages))})";

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usageOid));
        var built = chain.Build(certificate);
        var root = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        if (!built || root is null || !root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
        {
            var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
            var detail = statuses.Count == 0 ? "it does not chain to the CA" : string.Join(", ", statuses);
            return $"the certificate of '{CommonName(certificate)}' was not issued by the P4Flow CA '{CommonName(ca)}' ({detail})";
        }
        return null;
    }

    private static string SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null) return "none";
        return string.Join(", ", extension.EnumerateDnsNames().Concat(extension.EnumerateIPAddresses().Select(a => a.ToString())));
    }
}
