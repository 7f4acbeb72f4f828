using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Orchestrator.Configuration;

internal sealed partial class PerforceOptionsValidation : IValidateOptions<PerforceOptions>
{
    public ValidateOptionsResult Validate(string? name, PerforceOptions options) => Checks.Result([
        string.IsNullOrWhiteSpace(options.Executable) ? "perforce.executable must name the p4 program." : null,
        options.Servers.Count > 0 && (options.Port is not null || options.User is not null)
            ? "perforce.port and perforce.user are the shorthand for one server; with perforce.servers, give port and user per server." : null,
        Name().IsMatch(options.ClientPrefix) ? null : $"perforce.client_prefix may hold letters, digits, '.', '_' and '-' (got '{options.ClientPrefix}').",
        Checks.Range("perforce.default_timeout", options.DefaultTimeout, 1, 86_400),
        Checks.Range("perforce.recovery_check_interval", options.RecoveryCheckInterval, 1, 3_600),
        Checks.Range("perforce.needs_resolve_deadline", options.NeedsResolveDeadline, 0, 365 * 86_400),
        options.StageTimeouts.Where(t => t.Value is < 1 or > 86_400).Select(t => $"perforce.stage_timeouts.{t.Key} must be between 1 and 86400 (got {t.Value}).").FirstOrDefault(),
        options.StageTimeouts.ContainsKey(ResolveContinuation.Stage)
            ? $"perforce.stage_timeouts.{ResolveContinuation.Stage}: that stage waits for a person and has no budget; perforce.needs_resolve_deadline says how long it may wait." : null,
        DefaultServer(options),
        .. options.Servers.Count > 0
            ? options.Servers.SelectMany(s => Server($"perforce.servers.{s.Key}", s.Key, s.Value))
            : Server("perforce", PerforceOptions.DefaultName, options.EffectiveServers[PerforceOptions.DefaultName]),
        .. Checks.CircuitBreaker("perforce.circuit_breaker", options.CircuitBreaker)]);

    private static string? DefaultServer(PerforceOptions options)
    {
        if (options.DefaultServer is { } named)
            return options.EffectiveServers.ContainsKey(named) ? null : $"perforce.default_server names '{named}', which is not one of perforce.servers ({string.Join(", ", options.ServerNames)}).";
        return options.Servers.Count > 1 ? $"perforce.default_server must name one of perforce.servers ({string.Join(", ", options.ServerNames)}): a job that names no server goes there." : null;
    }

    private static IEnumerable<string?> Server(string key, string name, PerforceServerOptions server)
    {
        yield return Name().IsMatch(name) && name.Length <= 64 ? null : $"{key}: a server name may hold letters, digits, '.', '_' and '-' (up to 64).";
        yield return Port($"{key}.port", server.Port);
        if (server.BackupPort is not null) yield return Port($"{key}.backup_port", server.BackupPort);
        yield return string.IsNullOrWhiteSpace(server.User) || server.User.StartsWith('-') || server.User.Any(char.IsWhiteSpace)
            ? $"{key}.user must be a Perforce user name (got '{server.User}')." : null;
        yield return Name().IsMatch(server.Charset) ? null : $"{key}.charset must be a P4CHARSET such as none or utf8 (got '{server.Charset}').";
        yield return P4Credentials.Problem($"{key}.credentials", server.Credentials);
        // The shorthand (key "perforce") has no fingerprint key: "perforce.fingerprint" would name a setting that is not read.
        if (server.IsSsl && key == PerforceOptions.Section)
            yield return "perforce.port is an ssl: port, which needs the server's key fingerprint: give the server under perforce.servers with its port and fingerprint.";
        else if (server.IsSsl)
            yield return server.Fingerprint is { } fingerprint && Fingerprint().IsMatch(fingerprint) ? null
                : $"{key}.fingerprint must be the ssl: server's key fingerprint, colon-separated hex such as 3F:A1:...:9C (p4 trust -l on a trusted host shows it).";
        else if (server.Fingerprint is not null)
            yield return $"{key}.fingerprint is only for ssl: ports.";
    }

    private static string? Port(string key, string port) =>
        string.IsNullOrWhiteSpace(port) || port.StartsWith('-') || port.Any(char.IsWhiteSpace)
            ? $"{key} must be a P4PORT such as ssl:perforce:1666 (got '{port}')." : null;

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex Name();

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){19,63}$")]
    private static partial Regex Fingerprint();
}
