using System.Security.Claims;

namespace P4Flow.Workflows.Users;

/// <summary>
/// Something a person does to jobs or workflows; the audit log names it by <see cref="EventType"/> and
/// <see cref="Policy"/> is the authorization policy (the lowest role) it requires, the same one its HTTP route requires.
/// </summary>
public sealed record UserAction(string EventType, string Policy)
{
    public static readonly UserAction Run = new("JOB_STARTED", "operator");
    public static readonly UserAction Continue = new("JOB_CONTINUED", "operator");
    public static readonly UserAction Cancel = new("JOB_CANCELLED", "operator");
    public static readonly UserAction Resume = new("JOB_RESUMED", "operator");
    public static readonly UserAction Acknowledge = new("JOB_ACKNOWLEDGED", "operator");
    /// <summary>A person settled one conflicted file of a parked job (target: the job id and the depot file).</summary>
    public static readonly UserAction Settle = new("CONFLICT_SETTLED", "operator");
    public static readonly UserAction Edit = new("WORKFLOW_SAVED", "designer");
    public static readonly UserAction Publish = new("WORKFLOW_PUBLISHED", "designer");
    public static readonly UserAction Import = new("WORKFLOW_IMPORTED", "designer");
    public static readonly UserAction Delete = new("WORKFLOW_DELETED", "designer");
}

/// <summary>
/// The one gate every action passes, from the HTTP API and from the Studio alike: it checks the user's role and writes
/// the audit log. The orchestrator implements it; without one, the Studio can do nothing.
/// </summary>
public interface IUserActions
{
    Task<bool> MayAsync(ClaimsPrincipal user, UserAction action);

    /// <summary>Runs <paramref name="work"/> if the user may; throws <see cref="ActionForbiddenException"/> otherwise. Audited either way.</summary>
    /// <param name="target">What it acts on (a job or workflow id), for the audit log.</param>
    /// <param name="command">What was asked, hashed into the audit log (e.g. a job's inputs); null when nothing beyond the target.</param>
    Task<T> RunAsync<T>(ClaimsPrincipal user, UserAction action, string target, string? command, Func<Task<T>> work);
}

/// <summary>The user's role does not allow the action (HTTP 403). Its own type, so that a file the process may not read never passes for one.</summary>
public sealed class ActionForbiddenException(string message) : Exception(message);
