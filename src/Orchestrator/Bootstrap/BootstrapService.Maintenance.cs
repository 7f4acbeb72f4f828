using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Bootstrap;

public sealed partial class BootstrapService
{
    public bool IsEnrolled(string name) => enrolments.Find(name) is not null;

    /// <summary>Restarts an enrolled agent over SSH and waits until it is back on the hub.</summary>
    /// <exception cref="KeyNotFoundException">No agent of that name was enrolled here.</exception>
    public Task<BootstrapOutcome> RestartAsync(string name, string requestedBy, IProgress<BootstrapStepEvent>? progress, CancellationToken cancellationToken)
    {
        var enrolment = enrolments.Find(name) ?? throw new KeyNotFoundException($"no agent named '{name}' was enrolled over SSH");
        var steps = new StepRunner(name, progress, logger, clock);
        return AttemptAsync(RestartEvent, "Restart", name, TargetOf(enrolment), requestedBy, steps, async (remote, _, ct) =>
        {
            await steps.RunAsync(BootstrapSteps.Stop, StepTimeout, t => StopAsync(remote, enrolment.Layout, t), ct).ConfigureAwait(false);
            await StartAndWaitAsync(remote, enrolment, steps, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Drops the removed agent from the pool once the hub has seen its connection end and its last job released (the
    /// agent was stopped a moment ago; the stream's end and a cleanup still assigned to it may follow). Null when
    /// forgotten; why not after half the step's timeout otherwise (the step must still end in its own time).
    /// </summary>
    private async Task<string?> ForgetAsync(string name, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(StepTimeout / 2);
        while (true)
        {
            var changed = registry.Changed;
            if (registry.Forget(name) is not { } kept) return null;
            try
            {
                await changed.WaitAsync(patience.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return kept;
            }
        }
    }

    /// <summary>
    /// Revokes first (the whitelist entry goes, so the hub disconnects the agent even if its host is unreachable),
    /// then stops the agent and deletes its files over SSH, and forgets it.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No agent of that name was enrolled here.</exception>
    public Task<BootstrapOutcome> RemoveAsync(string name, string requestedBy, IProgress<BootstrapStepEvent>? progress, CancellationToken cancellationToken)
    {
        var enrolment = enrolments.Find(name) ?? throw new KeyNotFoundException($"no agent named '{name}' was enrolled over SSH");
        var layout = enrolment.Layout;
        var steps = new StepRunner(name, progress, logger, clock);
        return AttemptAsync(RemoveEvent, "Removal", name, TargetOf(enrolment), requestedBy, steps, async (remote, _, ct) =>
        {
            await steps.RunAsync(BootstrapSteps.Stop, StepTimeout, t => StopAsync(remote, layout, t), ct).ConfigureAwait(false);
            await steps.RunAsync(BootstrapSteps.RemoveFiles, StepTimeout, async t =>
            {
                var unit = layout.AsRoot ? $"if [ -f {layout.UnitFile} ]; then systemctl disable {layout.Unit} || true; rm -f {layout.UnitFile}; systemctl daemon-reload || true; fi; " : "";
                await remote.RunAsync(unit + $"rm -rf {Sh.Quote(layout.Base)}", t).ConfigureAwait(false);
                foreach (var file in CertificateExtensions.Select(e => Path.GetFullPath(Path.Combine(tls.Value.AgentsDir, name + e)))) File.Delete(file);
                enrolments.Remove(name);
                if (await ForgetAsync(name, t).ConfigureAwait(false) is { } kept) steps.Warn($"the hub keeps listing it: {kept}");
            }, ct).ConfigureAwait(false);
        }, cancellationToken, before: () => steps.RunAsync(BootstrapSteps.Whitelist, StepTimeout, _ =>
        {
            WhitelistFile.Remove(Path.GetFullPath(security.Value.AgentWhitelist), name);
            whitelist.Refresh();
            return Task.CompletedTask;
        }, cancellationToken));
    }

    private static readonly string[] CertificateExtensions = [".crt", ".key"];

    private Target TargetOf(Enrolment enrolment) =>
        new(enrolment.Host, enrolment.Port, enrolment.User, new BootstrapRequest { KeyRef = enrolment.KeyRef }.ResolveKey(Settings) ?? enrolment.KeyRef, enrolment.HostKeyStrategy, enrolment.Fingerprint);
}
