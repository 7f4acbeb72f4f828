using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using P4Flow.Protocol.Certificates;

namespace P4Flow.Protocol;

/// <summary>
/// A gRPC channel to the hub over mutually authenticated TLS 1.2+: it presents the agent's certificate and accepts
/// only a hub certificate that chains to our CA and names the host it dialled.
/// </summary>
public static class HubChannel
{
    /// <summary>Commands and results carry whole outputs; gRPC's 4 MB default is too small for a big sync.</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    /// <param name="onRejected">Told why a hub certificate was refused (the TLS error alone does not say).</param>
    public static GrpcChannel Create(Uri address, X509Certificate2 clientCertificate, X509Certificate2 ca, Action<string>? onRejected = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(address.IdnHost, clientCertificate, ca, onRejected),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
    }

    public static SocketsHttpHandler CreateHandler(string host, X509Certificate2 clientCertificate, X509Certificate2 ca, Action<string>? onRejected = null) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        // HTTP/2 pings notice a hub that vanished without closing the connection.
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificates = [clientCertificate],
            // Always offer our certificate, whatever issuers the server lists (it may list none).
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                var reason = CertificateValidation.ValidateServer(presented, ca, host.Trim('[', ']'));
                if (reason is not null) onRejected?.Invoke(reason);
                return reason is null;
            },
        },
    };
}
