using System.Globalization;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.State;

/// <summary>
/// Command-token nonces this agent has accepted, each kept until its token expires, in {state_dir}/nonces.txt
/// ("nonce unix-expiry" per line) so a replay is refused across agent restarts too. Expired lines are dropped
/// when the agent starts.
/// </summary>
internal sealed class NonceStore : IDisposable
{
    public const string FileName = "nonces.txt";
    private const int MinPruneAbove = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly StreamWriter _file;
    private int _pruneAbove = MinPruneAbove;

    public NonceStore(IOptions<AgentOptions> agent, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _clock = clock;
        var dir = Path.GetFullPath(agent.Value.StateDir);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, FileName);
        var now = clock.GetUtcNow();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix)
                    && DateTimeOffset.FromUnixTimeSeconds(unix) is var expires && expires > now)
                    _seen[parts[0]] = expires;
            }
        }
        // Rewritten with the live nonces only, then appended to.
        File.WriteAllLines(path, _seen.Select(e => Line(e.Key, e.Value)));
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>True the first time a nonce is offered (and records it); false when it was seen before and has not expired.</summary>
    public bool TryUse(string nonce, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (_seen.TryGetValue(nonce, out var until) && until > now) return false;
            if (_seen.Count > _pruneAbove)
            {
                foreach (var old in _seen.Where(e => e.Value <= now).Select(e => e.Key).ToList()) _seen.Remove(old);
                // Nonces live as long as their tokens (an hour by default): swept again only once the live ones have
                // doubled, not on every command.
                _pruneAbove = Math.Max(MinPruneAbove, _seen.Count * 2);
            }
            _seen[nonce] = expires;
            // Flushed before the command runs, so a crash right after cannot let the same token run again.
            _file.WriteLine(Line(nonce, expires));
            return true;
        }
    }

    public void Dispose() => _file.Dispose();

    private static string Line(string nonce, DateTimeOffset expires) =>
        nonce + " " + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
