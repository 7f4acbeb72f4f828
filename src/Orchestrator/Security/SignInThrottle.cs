using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Password guessing is slowed per caller and user name: after auth.sign_in_failures failed attempts within
/// auth.sign_in_window seconds, that pair is refused (429) until the window ends. Successful sign-ins count for nothing.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public SignInThrottle(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = options.Value;
        _failures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = auth.SignInFailures,
            Window = TimeSpan.FromSeconds(auth.SignInWindow),
            QueueLimit = 0,
        }));
    }

    /// <summary>Whether this caller used up its failed attempts for <paramref name="user"/>.</summary>
    public bool Blocked(HttpContext context, string? user)
    {
        using var lease = _failures.AttemptAcquire(Key(context, user), 0);
        return !lease.IsAcquired;
    }

    public void Failed(HttpContext context, string? user) => _failures.AttemptAcquire(Key(context, user)).Dispose();

    public void Dispose() => _failures.Dispose();

    private static string Key(HttpContext context, string? user) => $"{context.Connection.RemoteIpAddress}|{user}";
}
