using System.Net.Security;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.Certificates;

namespace P4Flow.Orchestrator.Trust;

/// <summary>
/// The TLS side of the hub's endpoint: TLS 1.2+, a client certificate required, checked against our CA only (not
/// the system store), for the clientAuth usage, and its CN and the peer's address against the whitelist. Every
/// refusal is audited with its reason, since the agent only sees the handshake fail (StatusCode.Unavailable).
/// </summary>
public sealed class HubTls : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;
    private readonly SslStreamCertificateContext _context;
    private readonly WhitelistMonitor _whitelist;
    private readonly AuditLog _audit;
    private readonly ILogger<HubTls> _logger;

    public HubTls(IOptions<HubTlsOptions> tls, WhitelistMonitor whitelist, AuditLog audit, ILogger<HubTls> logger)
    {
        ArgumentNullException.ThrowIfNull(tls);
        _ca = HubCertificates.LoadCa(tls.Value);
        _server = HubCertificates.LoadServer(tls.Value);
        // Tells clients which CA we accept, and only that one.
        var trust = SslCertificateTrust.CreateForX509Collection([_ca], sendTrustInHandshake: true);
        _context = SslStreamCertificateContext.Create(_server, [_ca], offline: true, trust);
        _whitelist = whitelist;
        _audit = audit;
        _logger = logger;
    }

    public X509Certificate2 Ca => _ca;

    public TlsHandshakeCallbackOptions HandshakeOptions => new()
    {
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        OnConnection = context =>
        {
            var remote = context.Connection.RemoteEndPoint is IPEndPoint ip ? AgentWhitelist.Normalize(ip.Address) : IPAddress.None;
            return ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _context,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate, remote),
            });
        },
    };

    /// <summary>True when <paramref name="certificate"/> from <paramref name="remote"/> may open a stream.</summary>
    public bool Accept(X509Certificate? certificate, IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        using var presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var commonName = presented is null ? null : CertificateValidation.CommonName(presented);
        var reason = CertificateValidation.ValidateClient(presented, _ca)
            ?? _whitelist.Current.Check(commonName!, remote, out _);
        if (reason is null) return true;
        _audit.Write(new AuditEvent(AuditLog.AgentRejected, commonName, remote.ToString(), AuditEvent.Rejected, reason));
        TrustLog.AgentRefused(_logger, commonName ?? "(no certificate)", remote.ToString(), reason);
        return false;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _server.Dispose();
    }
}
