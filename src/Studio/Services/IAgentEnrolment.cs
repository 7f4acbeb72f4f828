namespace P4Flow.Studio.Services;

/// <summary>
/// Enrols a build host as an agent over SSH (the Agents page's Add agent dialog). The orchestrator's bootstrap
/// implements it; until then the Studio uses <see cref="UnavailableAgentEnrolment"/>.
/// </summary>
public interface IAgentEnrolment
{
    /// <summary>
    /// Validates the form, starts the bootstrap and yields its progress each time a step starts or ends, the last
    /// item being the outcome. A form with mistakes yields one item with <see cref="EnrolmentProgress.FieldErrors"/>.
    /// </summary>
    IAsyncEnumerable<EnrolmentProgress> EnrolAsync(EnrolmentForm form, string requestedBy, CancellationToken cancellationToken);
}

/// <summary>What the dialog collects. KeyRef names a key file on the orchestrator or credential:NAME, never the key itself.</summary>
public sealed record EnrolmentForm(string? Host, int Port, string? User, string? KeyRef, string? AgentName, IReadOnlyList<string> Labels, string? HostKeyStrategy, string? Fingerprint);

/// <summary>One step as the dialog lists it; Status is Running, Succeeded, Warning or Failed.</summary>
public sealed record EnrolmentStep(string Step, string Status, string? Message, long DurationMs);

/// <summary>Status: running, succeeded or failed.</summary>
public sealed record EnrolmentProgress(string Status, IReadOnlyList<EnrolmentStep> Steps, string? Error = null, string? AgentId = null, IReadOnlyDictionary<string, string[]>? FieldErrors = null)
{
    public bool Done => Status != "running";
}

/// <summary>No enrolment: an orchestrator without the agent hub.</summary>
public sealed class UnavailableAgentEnrolment : IAgentEnrolment
{
    public async IAsyncEnumerable<EnrolmentProgress> EnrolAsync(EnrolmentForm form, string requestedBy, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return new EnrolmentProgress("failed", [], "Agents cannot be enrolled here: the agent hub is off.");
    }
}
