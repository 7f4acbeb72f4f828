using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using P4Flow.Studio.Services;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>The Studio's Add agent dialog on the same bootstrap operations as the API.</summary>
internal sealed class StudioEnrolment(IOptions<BootstrapOptions> options, IServiceProvider services) : IAgentEnrolment
{
    public async IAsyncEnumerable<EnrolmentProgress> EnrolAsync(EnrolmentForm form, string requestedBy, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var request = new BootstrapRequest
        {
            Host = form.Host?.Trim(),
            Port = form.Port,
            User = form.User?.Trim(),
            KeyRef = form.KeyRef?.Trim(),
            AgentName = form.AgentName?.Trim(),
            Labels = form.Labels,
            HostKeyStrategy = form.HostKeyStrategy,
            Fingerprint = string.IsNullOrWhiteSpace(form.Fingerprint) ? null : form.Fingerprint.Trim(),
            RequestedBy = requestedBy,
        };
        if (request.Validate(options.Value) is { Count: > 0 } errors)
        {
            yield return new EnrolmentProgress(BootstrapOperations.Failed, [], "Some fields need a fix.", FieldErrors: errors);
            yield break;
        }
        if (services.GetService<BootstrapOperations>() is not { } operations)
        {
            yield return new EnrolmentProgress(BootstrapOperations.Failed, [], "Agents cannot be enrolled here: the agent hub is off (commands.runner: local).");
            yield break;
        }
        BootstrapOperations.Operation? operation = null;
        string? conflict = null;
        try
        {
            operation = operations.Bootstrap(request);
        }
        catch (InvalidOperationException ex)
        {
            conflict = ex.Message;
        }
        if (operation is null)
        {
            yield return new EnrolmentProgress(BootstrapOperations.Failed, [], conflict);
            yield break;
        }
        while (true)
        {
            var changed = operation.Changed;
            var view = operation.View();
            yield return new EnrolmentProgress(view.Status, [.. view.Steps.Select(s => new EnrolmentStep(s.Step, s.Status.ToString(), s.Message, s.DurationMs))], view.Error, view.AgentId);
            if (view.Status != BootstrapOperations.Running) yield break;
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
