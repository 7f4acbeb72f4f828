using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>Decides whether a presented host key may be trusted under the request's strategy; fails closed.</summary>
public sealed class HostKeyVerifier(IOptions<BootstrapOptions> options, HostKeyApprovals approvals)
{
    /// <returns>null when trusted, else why not (the error of the connect step).</returns>
    public string? Verify(string strategy, string host, int port, string? pinned, PresentedHostKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var where = $"{host}:{port}";
        switch (strategy)
        {
            case HostKeyStrategies.Fingerprint:
                return pinned is not null && HostKeyFingerprint.SameAs(pinned, key.Fingerprint) ? null
                    : $"host key mismatch: {where} presented {key.Type} {key.Fingerprint}, the pinned fingerprint is {pinned}";
            case HostKeyStrategies.KnownHosts:
                var file = Path.GetFullPath(options.Value.KnownHosts);
                return KnownHostsFile.Check(file, host, port, key) switch
                {
                    KnownHostsFile.Verdict.Match => null,
                    KnownHostsFile.Verdict.Changed => $"host key changed: {where} presented {key.Type} {key.Fingerprint}, which is not the key {file} holds for it (possible man-in-the-middle)",
                    KnownHostsFile.Verdict.Revoked => $"host key revoked: {where} presented {key.Fingerprint}, marked @revoked in {file}",
                    _ => $"host key unknown: {where} ({key.Type} {key.Fingerprint}) is not in {file}; add it after checking it out of band",
                };
            case HostKeyStrategies.Tofu:
                return approvals.Check(host, port, key) switch
                {
                    HostKeyApprovals.State.Approved => null,
                    HostKeyApprovals.State.Changed => $"host key changed: {where} presented {key.Type} {key.Fingerprint}, not the approved key (possible man-in-the-middle)",
                    _ => $"host key pending approval: {where} presented {key.Type} {key.Fingerprint}; an admin approves it with POST /api/agents/host-keys/{host}/approve?port={port}, then bootstrap again",
                };
            case HostKeyStrategies.Any when options.Value.AllowAnyHostKey:
                return null;
            default:
                return $"host key strategy '{strategy}' is not allowed";
        }
    }
}
