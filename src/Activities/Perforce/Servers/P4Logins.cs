namespace P4Flow.Activities.Perforce.Servers;

/// <summary>
/// When P4Flow may try to log in: an account locks after a few bad passwords, so a failed login bars every other
/// attempt on that server for <see cref="Pause"/>, and a host (an agent, or this orchestrator) logs in to a server at
/// most once per <see cref="Pause"/>, so a server that keeps refusing a fresh ticket fails the job instead of looping.
/// </summary>
public sealed class P4Logins(TimeProvider clock)
{
    public static readonly TimeSpan Pause = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _failedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Server, string Host), DateTimeOffset> _triedAt = [];
    private readonly Dictionary<(string Server, string Host), SemaphoreSlim> _gates = [];

    /// <summary>
    /// Runs <paramref name="login"/> alone among the logins of one host to one server: jobs whose tickets expired
    /// together find the first one's fresh ticket (p4 login -s) instead of each logging in.
    /// </summary>
    public async Task<T> OneAtATimeAsync<T>(string server, string host, Func<Task<T>> login)
    {
        ArgumentNullException.ThrowIfNull(login);
        SemaphoreSlim gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue((server, host), out gate!)) _gates[(server, host)] = gate = new SemaphoreSlim(1, 1);
        }
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await login().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Claims the one attempt; null when one may be made now, else why not.</summary>
    public string? TryBegin(string server, string host)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_failedAt.TryGetValue(server, out var failed) && now - failed < Pause)
                return $"a login to Perforce server '{server}' failed at {failed.UtcDateTime:HH:mm:ss} UTC; P4Flow tries again no sooner than a minute later, so the account is not locked out";
            if (_triedAt.TryGetValue((server, host), out var tried) && now - tried < Pause)
                return $"{host} logged in to Perforce server '{server}' at {tried.UtcDateTime:HH:mm:ss} UTC and the server still refuses its ticket; P4Flow does not log in again within a minute";
            _triedAt[(server, host)] = now;
            return null;
        }
    }

    public void Failed(string server)
    {
        lock (_lock) _failedAt[server] = clock.GetUtcNow();
    }
}

/// <summary>Told of security events on Perforce servers (the host's audit log); never given a password or ticket.</summary>
public interface IP4SecurityObserver
{
    /// <summary>An ssl: server showed a key whose fingerprint is not the configured one: nothing was sent to it.</summary>
    void TrustRefused(string server, string port, string jobId, string reason);

    void LoginFailed(string server, string port, string user, string jobId, string reason);

    void LoggedIn(string server, string port, string user, string jobId, string? agentId);
}
