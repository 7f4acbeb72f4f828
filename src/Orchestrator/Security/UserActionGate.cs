using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Checks the role policy of every action and writes it to the audit log, for the HTTP API and the Studio alike: a
/// refusal runs nothing and is audited as DENIED; a failure is audited with its reason and rethrown.
/// </summary>
internal sealed class UserActionGate(IAuthorizationService authorization, AuditLog audit) : IUserActions
{
    public async Task<bool> MayAsync(ClaimsPrincipal user, UserAction action) =>
        (await authorization.AuthorizeAsync(user, action.Policy)).Succeeded;

    public async Task<T> RunAsync<T>(ClaimsPrincipal user, UserAction action, string target, string? command, Func<Task<T>> work)
    {
        var entry = new AuditEvent(action.EventType, null, null, AuditEvent.Success, null)
        {
            User = UserName(user),
            Target = target,
            CommandHash = command is null ? null : Hash(command),
        };
        if (!await MayAsync(user, action))
        {
            audit.Write(entry with { Result = AuditEvent.Denied, Reason = $"requires the {action.Policy} role" });
            throw new ActionForbiddenException($"{action.EventType} requires the {action.Policy} role.");
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await work();
            audit.Write(entry with { DurationMs = clock.ElapsedMilliseconds });
            return result;
        }
        catch (Exception ex)
        {
            audit.Write(entry with { Result = AuditEvent.Failure, Reason = ex.Message, DurationMs = clock.ElapsedMilliseconds });
            throw;
        }
    }

    public static string UserName(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "?" : "anonymous";

    public static string Hash(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
