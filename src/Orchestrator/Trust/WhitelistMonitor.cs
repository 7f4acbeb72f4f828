using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Trust;

/// <summary>
/// Holds the agent whitelist and reloads it when the file changes (checked every whitelist_poll_interval; editors
/// that replace the file are seen too). A broken edit keeps the previous list and is logged.
/// </summary>
public sealed partial class WhitelistMonitor : BackgroundService
{
    private readonly string _path;
    private readonly TimeSpan _interval;
    private readonly ILogger<WhitelistMonitor> _logger;
    private string? _seen = "\0";

    public WhitelistMonitor(IOptions<HubSecurityOptions> security, IOptions<AgentsOptions> agents, ILogger<WhitelistMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(agents);
        _path = Path.GetFullPath(security.Value.AgentWhitelist);
        _interval = TimeSpan.FromSeconds(agents.Value.WhitelistPollInterval);
        _logger = logger;
        Current = Load(initial: true) ?? AgentWhitelist.Empty;
    }

    public AgentWhitelist Current { get; private set; }

    public string FilePath => _path;

    /// <summary>Raised after a new list took effect.</summary>
    public event Action<AgentWhitelist>? Changed;

    /// <summary>Reloads now if the file changed; true when a new list took effect.</summary>
    public bool Refresh()
    {
        var loaded = Load(initial: false);
        if (loaded is null) return false;
        Current = loaded;
        TrustLog.WhitelistReloaded(_logger, _path, loaded.Entries.Count);
        Changed?.Invoke(loaded);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) Refresh();
    }

    private bool _emptyOnce;

    private AgentWhitelist? Load(bool initial)
    {
        string? text;
        try
        {
            text = File.Exists(_path) ? File.ReadAllText(_path) : null;
        }
        catch (IOException ex) when (!initial)
        {
            // Caught mid-write: the next tick reads it whole.
            TrustLog.WhitelistInvalid(_logger, _path, ex.Message);
            return null;
        }
        // An editor that truncates before it writes shows an empty file for a moment: taken for an empty list, it
        // would disconnect every agent. An empty file counts only when the next tick still finds it empty.
        if (!initial && text is { Length: 0 } && !string.Equals(text, _seen, StringComparison.Ordinal) && !_emptyOnce)
        {
            _emptyOnce = true;
            return null;
        }
        _emptyOnce = false;
        if (!initial && string.Equals(text, _seen, StringComparison.Ordinal)) return null;
        _seen = text;
        if (text is null)
        {
            TrustLog.WhitelistMissing(_logger, _path);
            return AgentWhitelist.Empty;
        }
        try
        {
            return AgentWhitelist.Parse(text);
        }
        catch (FormatException ex) when (!initial)
        {
            TrustLog.WhitelistInvalid(_logger, _path, ex.Message);
            return null;
        }
    }
}
