using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Enrols a build host as an agent over SSH, in explicit steps (see <see cref="BootstrapSteps"/>), each under a
/// timeout and reported as it happens. Bootstrapping an enrolled agent again upgrades it in place. Every attempt is
/// audited as BOOTSTRAP_ATTEMPT with a hash of the exact remote commands run.
/// </summary>
public sealed partial class BootstrapService(
    IOptions<BootstrapOptions> options,
    IOptions<HubTlsOptions> tls,
    IOptions<HubSecurityOptions> security,
    IOptions<ServerOptions> server,
    HostKeyVerifier verifier,
    AgentPackage package,
    Enrolments enrolments,
    AuditLog audit,
    CommandTokenSecret secret,
    WhitelistMonitor whitelist,
    AgentRegistry registry,
    TimeProvider clock,
    ILogger<BootstrapService> logger)
{
    public const string AttemptEvent = "BOOTSTRAP_ATTEMPT";
    public const string RestartEvent = "AGENT_RESTART";
    public const string RemoveEvent = "AGENT_REMOVE";

    /// <summary>Test seam: wraps the agent bundle's stream on its way to the host (a test corrupts it here).</summary>
    internal Func<Stream, Stream>? UploadFilter { get; set; }

    private BootstrapOptions Settings => options.Value;

    private TimeSpan StepTimeout => TimeSpan.FromSeconds(Settings.Timeouts.Step);

    /// <exception cref="ArgumentException">The request is not valid (see <see cref="BootstrapRequest.Validate"/>).</exception>
    public async Task<BootstrapOutcome> BootstrapAsync(BootstrapRequest request, IProgress<BootstrapStepEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Validate(Settings) is { Count: > 0 } errors) throw new ArgumentException(string.Join(" ", errors.Values.SelectMany(v => v)), nameof(request));
        var name = request.AgentName!;
        var steps = new StepRunner(name, progress, logger, clock);
        var target = new Target(request.Host!, request.Port, request.User!, request.ResolveKey(Settings)!, request.Strategy(Settings), request.Fingerprint);
        var upgrade = enrolments.Find(name) is not null;
        var outcome = await AttemptAsync(AttemptEvent, "Bootstrap", name, target, request.RequestedBy, steps, async (remote, ip, ct) =>
        {
            var (hostname, machine) = await steps.RunAsync(BootstrapSteps.Platform, StepTimeout, t => CheckPlatformAsync(remote, t), ct).ConfigureAwait(false);
            var layout = await steps.RunAsync(BootstrapSteps.AgentUser, StepTimeout, t => PrepareUserAsync(remote, name, steps, t), ct).ConfigureAwait(false);
            var bundle = await steps.RunAsync(BootstrapSteps.Package, TimeSpan.FromSeconds(Settings.Timeouts.Upload), async t =>
            {
                var built = await package.GetAsync(t).ConfigureAwait(false);
                // A bundle that does not name its machine (an older, framework-dependent package) is taken at its word.
                if (built.Machine is { } m && m != machine)
                    throw new BootstrapStepException($"the agent build is for {m}; the host is {machine}: set bootstrap.agent_package to the agent of a release for {machine}");
                return built;
            }, ct).ConfigureAwait(false);
            await steps.RunAsync(BootstrapSteps.Upload, TimeSpan.FromSeconds(Settings.Timeouts.Upload), t => UploadAsync(remote, layout, bundle, t), ct).ConfigureAwait(false);
            await steps.RunAsync(BootstrapSteps.Certificates, StepTimeout, t => DeliverCertificatesAsync(remote, layout, t), ct).ConfigureAwait(false);
            await steps.RunAsync(BootstrapSteps.Configure, StepTimeout, t => ConfigureAsync(remote, layout, ip, request.Labels ?? [], t), ct).ConfigureAwait(false);
            await steps.RunAsync(BootstrapSteps.Whitelist, StepTimeout, _ =>
            {
                WhitelistFile.Put(Path.GetFullPath(security.Value.AgentWhitelist), name, hostname, ip + (ip.AddressFamily == AddressFamily.InterNetworkV6 ? "/128" : "/32"));
                whitelist.Refresh();
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            var systemd = await steps.RunAsync(BootstrapSteps.Install, StepTimeout, t => InstallAsync(remote, layout, t), ct).ConfigureAwait(false);
            var enrolment = new Enrolment(name, target.Host, target.Port, target.User, request.KeyRef!, target.Strategy, target.Fingerprint,
                layout.User, layout.Home, layout.AsRoot, systemd, request.Labels ?? [], clock.GetUtcNow());
            enrolments.Put(enrolment);
            await StartAndWaitAsync(remote, enrolment, steps, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        // A first enrolment that failed takes back its whitelist entry and its record: no half-enrolled agent gets in,
        // and the next attempt is a first enrolment again (whose failure is rolled back the same way), not an upgrade.
        if (!outcome.Succeeded && !upgrade)
        {
            enrolments.Remove(name);
            if (outcome.Steps.Any(s => s.Step == BootstrapSteps.Whitelist && s.Status == StepStatus.Succeeded))
            {
                WhitelistFile.Remove(Path.GetFullPath(security.Value.AgentWhitelist), name);
                whitelist.Refresh();
            }
        }
        return outcome;
    }

    /// <summary>Host, user, key and how to trust the host's key.</summary>
    private sealed record Target(string Host, int Port, string User, string KeyFile, string Strategy, string? Fingerprint);

    /// <summary>Connects (the first step), runs <paramref name="body"/>, then audits and logs the attempt whatever happened.</summary>
    private async Task<BootstrapOutcome> AttemptAsync(string auditEvent, string operation, string name, Target target, string requestedBy, StepRunner steps,
        Func<RemoteHost, IPAddress, CancellationToken, Task> body, CancellationToken cancellationToken, Func<Task>? before = null)
    {
        var watch = Stopwatch.StartNew();
        RemoteHost? remote = null;
        IPAddress? ip = null;
        string? failedStep = null, error = null;
        try
        {
            if (before is not null) await before().ConfigureAwait(false);
            (remote, ip) = await steps.RunAsync(BootstrapSteps.Connect, TimeSpan.FromSeconds(Settings.Timeouts.Connect), t => ConnectAsync(target, t), cancellationToken).ConfigureAwait(false);
            await body(remote, ip, cancellationToken).ConfigureAwait(false);
        }
        catch (BootstrapFailedException ex)
        {
            (failedStep, error) = (ex.Step, ex.Reason);
        }
        finally
        {
            remote?.Dispose();
        }
        var succeeded = failedStep is null;
        var agentId = succeeded ? name : null;
        audit.Write(new AuditEvent(auditEvent, agentId ?? name, ip?.ToString(), succeeded ? AuditEvent.Accepted : AuditEvent.Rejected, succeeded ? null : $"{failedStep}: {error}")
        {
            TargetHost = target.Host,
            User = requestedBy,
            SshCommandHash = (remote?.CommandHash) ?? RemoteHostCommandHash.Empty,
            DurationMs = watch.ElapsedMilliseconds,
        });
        BootstrapLog.Finished(logger, operation, name, target.Host, succeeded ? "succeeded" : $"failed at {failedStep}", watch.ElapsedMilliseconds);
        return new BootstrapOutcome(succeeded, name, agentId, failedStep, error, watch.ElapsedMilliseconds, steps.Steps);
    }

    private async Task<(RemoteHost, IPAddress)> ConnectAsync(Target target, CancellationToken cancellationToken)
    {
        IPAddress ip;
        try
        {
            ip = IPAddress.TryParse(target.Host, out var literal) ? literal
                : (await Dns.GetHostAddressesAsync(target.Host, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        }
        catch (SocketException ex)
        {
            throw new BootstrapStepException($"{target.Host} does not resolve: {ex.Message}", ex);
        }
        var remote = await RemoteHost.ConnectAsync(ip.ToString(), target.Port, target.User, target.KeyFile, TimeSpan.FromSeconds(Settings.Timeouts.Connect),
            key => verifier.Verify(target.Strategy, target.Host, target.Port, target.Fingerprint, key), cancellationToken).ConfigureAwait(false);
        return (remote, ip);
    }

    /// <returns>The host's name and machine (x86_64 or aarch64, the architectures releases are built for).</returns>
    private static async Task<(string Hostname, string Machine)> CheckPlatformAsync(RemoteHost remote, CancellationToken cancellationToken)
    {
        var lines = (await remote.RunAsync("uname -sm && hostname", cancellationToken).ConfigureAwait(false)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || lines[0] is not ("Linux x86_64" or "Linux aarch64"))
            throw new BootstrapStepException($"agents run on Linux x86_64 and aarch64; the host is '{(lines.Length > 0 ? lines[0] : "")}'");
        return (lines[1], lines[0]["Linux ".Length..]);
    }

    /// <summary>A dedicated agent user (0700 home, no sudo) when the SSH user may create users, else the SSH user's own home.</summary>
    private async Task<AgentLayout> PrepareUserAsync(RemoteHost remote, string name, StepRunner steps, CancellationToken cancellationToken)
    {
        var user = Settings.AgentUser;
        var probe = (await remote.RunAsync("id -u && id -un && printf '%s\\n' \"$HOME\" && (command -v useradd || true)", cancellationToken).ConfigureAwait(false)).Output
            .Split('\n', StringSplitOptions.TrimEntries);
        var (uid, sshUser, home, useradd) = (probe[0], probe[1], probe[2], probe.Length > 3 ? probe[3] : "");
        if (uid != "0" || useradd.Length == 0)
        {
            steps.Warn($"{sshUser} cannot create users: the agent runs as {sshUser} in {home}/p4flow/{name} (not a dedicated unprivileged user)");
            return new AgentLayout(name, sshUser, home, AsRoot: false);
        }
        var script = new StringBuilder()
            .Append(FormattableString.Invariant($"id -u {user} >/dev/null 2>&1 || {useradd} --system --create-home --home-dir /home/{user} --shell /usr/sbin/nologin --user-group {user}; "))
            .Append(FormattableString.Invariant($"h=$(getent passwd {user} | cut -d: -f6); chown {user}: \"$h\" && chmod 0700 \"$h\"; "))
            .Append(FormattableString.Invariant($"g=\" $(id -nG {user}) \"; case \"$g\" in *' sudo '*|*' wheel '*|*' admin '*|*' root '*) echo \"{user} is in a privileged group:$g\" >&2; exit 3;; esac; "))
            .Append(FormattableString.Invariant($"[ ! -e /etc/sudoers.d/{user} ] || {{ echo '{user} has sudo rights in /etc/sudoers.d' >&2; exit 3; }}; printf '%s\\n' \"$h\""))
            .ToString();
        var agentHome = (await remote.RunAsync(script, cancellationToken).ConfigureAwait(false)).Output.Trim();
        return new AgentLayout(name, user, agentHome, AsRoot: true);
    }

    private async Task UploadAsync(RemoteHost remote, AgentLayout layout, AgentBundle bundle, CancellationToken cancellationToken)
    {
        var upload = layout.Bundle + ".new";
        await remote.RunAsync($"{layout.RefuseLinks()}mkdir -p {Sh.Quote(layout.Base)} && chmod 0700 {Sh.Quote(layout.Root)} {Sh.Quote(layout.Base)} && rm -f {Sh.Quote(upload)}", cancellationToken).ConfigureAwait(false);
        await using (var file = File.OpenRead(bundle.Path))
        {
            var stream = UploadFilter?.Invoke(file) ?? file;
            await remote.UploadAsync(stream, upload, cancellationToken).ConfigureAwait(false);
        }
        var sum = (await remote.RunAsync($"sha256sum {Sh.Quote(upload)}", cancellationToken).ConfigureAwait(false)).Output.Split(' ', 2)[0].Trim();
        if (!string.Equals(sum, bundle.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            await remote.RunAsync($"rm -f {Sh.Quote(upload)}", cancellationToken, check: false).ConfigureAwait(false);
            throw new BootstrapStepException($"checksum mismatch after upload: the bundle is sha256 {bundle.Sha256}, the host received {sum}; the upload was deleted and nothing was started");
        }
    }

    private async Task DeliverCertificatesAsync(RemoteHost remote, AgentLayout layout, CancellationToken cancellationToken)
    {
        var (cert, key) = HubCertificates.IssueAgent(tls.Value, layout.Name);
        await remote.RunAsync($"{layout.RefuseLinks()}mkdir -p {Sh.Quote(layout.Certs)} && chmod 0700 {Sh.Quote(layout.Certs)}", cancellationToken).ConfigureAwait(false);
        foreach (var (local, remotePath) in new[] { (cert, layout.CertFile), (key, layout.KeyFile), (Path.GetFullPath(tls.Value.CaFile), layout.CaFile), (HubCertificates.CommandPublicKeyFile(tls.Value), layout.CommandKey) })
        {
            await using var file = File.OpenRead(local);
            await remote.UploadAsync(file, remotePath, cancellationToken).ConfigureAwait(false);
        }
        await remote.RunAsync($"chmod 0600 {Sh.Quote(layout.Certs)}/*", cancellationToken).ConfigureAwait(false);
    }

    private async Task ConfigureAsync(RemoteHost remote, AgentLayout layout, IPAddress target, IEnumerable<string> labels, CancellationToken cancellationToken)
    {
        var hub = HubHost();
        // An agent on another host would dial itself and never arrive: say so now rather than after the wait.
        if (!IPAddress.IsLoopback(target) && (hub == "localhost" || (IPAddress.TryParse(hub, out var hubIp) && IPAddress.IsLoopback(hubIp))))
            throw new BootstrapStepException($"agents would dial the hub at {hub}, which on {target} is the host itself: set bootstrap.hub_host (or server.hub_host) to an address of this orchestrator that the host reaches and its certificate names");
        var yaml = layout.AgentYaml(hub, server.Value.Port, labels, Settings.AllowedExecutables, allowRoot: layout.User == "root");
        var env = $"JWT_SECRET={Sh.Quote(secret.Value)}\n";
        foreach (var (text, path) in new[] { (yaml, layout.Config), (env, layout.EnvFile) })
        {
            await remote.RunAsync($"install -m 0600 /dev/null {Sh.Quote(path)}", cancellationToken).ConfigureAwait(false);
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
            await remote.UploadAsync(content, path, cancellationToken).ConfigureAwait(false);
        }
    }

    private string HubHost() => !string.IsNullOrWhiteSpace(Settings.HubHost) ? Settings.HubHost
        : server.Value.HubHost is "0.0.0.0" or "::" ? Environment.MachineName : server.Value.HubHost;

    /// <summary>Stops what runs, puts the new build in place, hands every file to the agent user.</summary>
    /// <returns>Whether the agent runs under systemd.</returns>
    private static async Task<bool> InstallAsync(RemoteHost remote, AgentLayout layout, CancellationToken cancellationToken)
    {
        var systemd = layout.AsRoot && (await remote.RunAsync("[ -d /run/systemd/system ] && systemctl is-system-running", cancellationToken, check: false).ConfigureAwait(false))
            .Output.Trim() is "running" or "degraded";
        await StopAsync(remote, layout, cancellationToken).ConfigureAwait(false);
        var b = Sh.Quote(layout.Base);
        var script = $"{layout.RefuseLinks()}cd {b} && rm -rf bin.new && mkdir bin.new && tar -xzf agent.tar.gz.new -C bin.new && rm -rf bin && mv bin.new bin && mv agent.tar.gz.new agent.tar.gz && mkdir -p state workspaces";
        // -R without -L: links met inside are changed themselves, never followed.
        if (layout.AsRoot) script += $" && chown -R {layout.User}: {Sh.Quote(layout.Root)}";
        await remote.RunAsync(script, cancellationToken).ConfigureAwait(false);
        return systemd;
    }

    /// <summary>Stops the agent however it was started (both, when an earlier enrolment used the other way).</summary>
    private static async Task StopAsync(RemoteHost remote, AgentLayout layout, CancellationToken cancellationToken)
    {
        var unit = layout.AsRoot ? $"if [ -f {layout.UnitFile} ]; then systemctl stop {layout.Unit} || true; fi; " : "";
        await remote.RunAsync(unit + layout.DetachedStop(), cancellationToken).ConfigureAwait(false);
    }

    private async Task StartAndWaitAsync(RemoteHost remote, Enrolment enrolment, StepRunner steps, CancellationToken cancellationToken)
    {
        var layout = enrolment.Layout;
        var startedAt = clock.GetUtcNow();
        await steps.RunAsync(BootstrapSteps.Start, StepTimeout, async ct =>
        {
            if (enrolment.Systemd)
            {
                using (var unit = new MemoryStream(Encoding.UTF8.GetBytes(layout.SystemdUnit())))
                    await remote.UploadAsync(unit, layout.UnitFile, ct).ConfigureAwait(false);
                await remote.RunAsync($"chmod 0644 {layout.UnitFile} && systemctl daemon-reload && systemctl enable {layout.Unit} && systemctl restart {layout.Unit}", ct).ConfigureAwait(false);
                return;
            }
            await remote.RunAsync(layout.DetachedStart(), ct).ConfigureAwait(false);
            var pid = Sh.Quote(layout.PidFile);
            await remote.RunAsync($"i=0; while [ ! -s {pid} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; sleep 0.5; kill -0 $(cat {pid}) 2>/dev/null || {{ echo 'the agent exited at once:' >&2; tail -n 20 {Sh.Quote(layout.LogFile)} >&2; exit 1; }}", ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await steps.RunAsync(BootstrapSteps.WaitConnected, TimeSpan.FromSeconds(Settings.Timeouts.AgentConnected), ct => WaitConnectedAsync(remote, layout, startedAt, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitConnectedAsync(RemoteHost remote, AgentLayout layout, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var changed = registry.Changed;
                if (registry.Snapshot().FirstOrDefault(a => a.Id == layout.Name) is { ConnectedSince: { } since } && since >= startedAt) return;
                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException)
        {
            // The agent's own log says why it did not come (a refused certificate, an unreachable hub).
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var log = await remote.RunAsync($"tail -n 15 {Sh.Quote(layout.LogFile)}", quick.Token, check: false).ConfigureAwait(false);
            throw new BootstrapStepException($"the agent did not connect to the hub within {Settings.Timeouts.AgentConnected:0.#} s; the end of {layout.LogFile}:\n{log.Output}");
        }
    }
}

internal static class RemoteHostCommandHash
{
    /// <summary>The hash of no commands at all (the connection was refused before any ran).</summary>
    public static string Empty { get; } = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([]));
}
