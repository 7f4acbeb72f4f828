using System.Net;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Plain HTTP carries API keys, passwords and sign-in cookies in the clear, so it serves this machine only. A caller
/// from another host gets what holds no credential (the probes, the CA's revocation list), a redirect to HTTPS for
/// a page, and 403 for everything else, before anything it sent is read as a credential. Each refusal is audited.
/// </summary>
internal static class PlainHttpGuard
{
    private static readonly PathString[] Open = ["/healthz", "/readyz", WebCertificate.CrlPath];

    /// <summary>What authentication would read: on an open path from another host it would only flood the audit log with failures or re-issue a cookie without Secure.</summary>
    private static readonly string[] Credentials = ["Authorization", ApiKeyAuthenticationHandler.Header, "Cookie"];

    public static void UsePlainHttpGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.IsHttps || IsThisMachine(context.Connection))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        if (Open.Contains(context.Request.Path))
        {
            foreach (var header in Credentials) context.Request.Headers.Remove(header);
            await next(context).ConfigureAwait(false);
            return;
        }
        var server = context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value;
        context.RequestServices.GetRequiredService<SecurityEvents>().AccessDenied(context, "HTTPS from another host: plain HTTP serves this machine only");
        // The target comes from the caller's Host header: never cached (307, not 308), and no redirect to a host-less URL.
        var https = server.HttpsPort == 0 || string.IsNullOrEmpty(context.Request.Host.Host) ? null : $"https://{context.Request.Host.Host}:{server.HttpsPort}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        if (https is not null && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            context.Response.Redirect(https, permanent: false, preserveMethod: true);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(
            title: "HTTPS required",
            detail: server.HttpsPort == 0
                ? $"Plain HTTP (server.http_port {server.HttpPort}) serves only this machine, and HTTPS is off (server.https_port 0): turn it on to reach the API from another host."
                : https is null
                ? $"Plain HTTP (server.http_port {server.HttpPort}) serves only this machine, and the request named no host (Host header) to send it to over HTTPS (server.https_port {server.HttpsPort})."
                : $"Plain HTTP (server.http_port {server.HttpPort}) serves only this machine: credentials would cross the network in the clear. Use {https}.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context).ConfigureAwait(false);
    });

    /// <summary>Loopback (IPv4, IPv6 or IPv4-mapped), a caller on this machine's own address, or no network peer at all (an in-process host).</summary>
    private static bool IsThisMachine(ConnectionInfo connection)
    {
        var remote = connection.RemoteIpAddress;
        if (remote is null) return true;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        var local = connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : connection.LocalIpAddress;
        return IPAddress.IsLoopback(remote) || remote.Equals(local);
    }
}
