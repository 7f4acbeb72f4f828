using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Trust;

/// <summary>
/// HTTPS for the API and the Studio (server.https_port) with a certificate from the P4Flow CA (<see cref="WebCertificate"/>):
/// TLS 1.2 and 1.3 only, forward-secret AEAD cipher suites only, and HSTS for a year on every HTTPS answer.
/// </summary>
public static class WebTls
{
    public static readonly TimeSpan HstsMaxAge = TimeSpan.FromDays(365);

    public static void AddWebTls(this IServiceCollection services)
    {
        services.AddOptions<HubTlsOptions>().BindConfiguration(HubTlsOptions.Section);
        services.AddHsts(o =>
        {
            o.MaxAge = HstsMaxAge;
            o.IncludeSubDomains = true;
            // The default list spares localhost and 127.0.0.1, which is where this server usually answers.
            o.ExcludedHosts.Clear();
        });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HubTlsOptions>, IOptions<ServerOptions>>((kestrel, tls, server) =>
            kestrel.ConfigureHttpsDefaults(https => Configure(https, tls.Value, server.Value)));
    }

    /// <summary>The certificate and TLS settings of an HTTPS endpoint of the API and Studio.</summary>
    public static void Configure(HttpsConnectionAdapterOptions https, HubTlsOptions tls, ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(https);
        https.ServerCertificate = LoadCertificate(tls, server);
        https.SslProtocols = Protocols;
        https.OnAuthenticate = (_, ssl) => Harden(ssl);
    }

    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Headers that keep the Studio out of other sites' frames and browsers from guessing content types; the HTTPS
    /// checks (bench/testssl.sh) look for them.
    /// </summary>
    public static void UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        return next(context);
    });

    /// <summary>Protocols and cipher suites for every TLS endpoint (the HTTPS port and the agent hub).</summary>
    public static void Harden(SslServerAuthenticationOptions ssl)
    {
        ssl.EnabledSslProtocols = Protocols;
        ssl.AllowRenegotiation = false;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ssl.CipherSuitesPolicy = new CipherSuitesPolicy(Suites);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(HubTlsOptions tls, ServerOptions server)
    {
        foreach (var (key, file) in new[] { ("server.ssl.cert_file", tls.CertFile), ("server.ssl.key_file", tls.KeyFile) })
        {
            if (!File.Exists(Path.GetFullPath(file)))
                throw new OptionsValidationException(HubTlsOptions.Section, typeof(HubTlsOptions),
                    [$"{key} {Path.GetFullPath(file)} does not exist, and HTTPS (server.https_port) needs it: run `dotnet run --project src/Orchestrator -- certs init`, or set server.https_port: 0."]);
        }
        return WebCertificate.Load(tls, server);
    }

    // ECDHE key exchange (forward secrecy) with AES-GCM or ChaCha20-Poly1305: no CBC, no RSA key exchange, no SHA-1.
    private static readonly TlsCipherSuite[] Suites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
}
