namespace P4Flow.Activities.Perforce.Servers;

/// <summary>Told when a command found a named server's port unreachable (NETWORK_ERROR, or its circuit open). Quick, never throws.</summary>
public interface IP4ServerObserver
{
    void Unreachable(P4Target target, string port);
}

/// <summary>
/// What the P4_SERVER_DOWN playbook decided about each named server: whether its commands go to the backup port first
/// (switched), or whether new jobs for it wait in QUEUED (held: down with no backup that answers). Every command and
/// every waiting retry reads it, so a switch takes effect at the next command.
/// </summary>
public sealed class P4ServerStatus
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (bool OnBackup, string? Held)> _servers = new(StringComparer.Ordinal);

    /// <summary>Raised (on the playbook's thread) when a server is switched, held or back.</summary>
    public event EventHandler? Changed;

    /// <summary>The ports to try in order: the backup first while the server is switched to it.</summary>
    public IReadOnlyList<string> PortsOf(P4Server server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var options = server.Options;
        if (string.IsNullOrEmpty(options.BackupPort)) return [options.Port];
        lock (_lock)
        {
            return _servers.TryGetValue(server.Name, out var state) && state.OnBackup ? [options.BackupPort, options.Port] : [options.Port, options.BackupPort];
        }
    }

    public bool IsOnBackup(string server)
    {
        lock (_lock) return _servers.TryGetValue(server, out var state) && state.OnBackup;
    }

    /// <summary>Why new jobs for <paramref name="server"/> wait, or null when they need not.</summary>
    public string? HeldBecause(string server)
    {
        lock (_lock) return _servers.TryGetValue(server, out var state) ? state.Held : null;
    }

    public void SwitchToBackup(string server) => Set(server, (true, null));

    public void Hold(string server, string reason) => Set(server, (false, reason));

    /// <summary>The server answers again on its own port: commands go there first, new jobs run.</summary>
    public void Recovered(string server)
    {
        lock (_lock) _servers.Remove(server);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    private void Set(string server, (bool, string?) state)
    {
        lock (_lock) _servers[server] = state;
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
