using Microsoft.Extensions.Options;
using P4Flow.Activities.Perforce;

namespace P4Flow.Orchestrator.Configuration;

internal sealed class PerforceOptionsValidation : IValidateOptions<PerforceOptions>
{
    public ValidateOptionsResult Validate(string? name, PerforceOptions options) => Checks.Result([
        string.IsNullOrWhiteSpace(options.Executable) ? "perforce.executable must name the p4 program." : null,
        string.IsNullOrWhiteSpace(options.Port) || options.Port.StartsWith('-') ? $"perforce.port must be a P4PORT such as ssl:perforce:1666 (got '{options.Port}')." : null,
        string.IsNullOrWhiteSpace(options.User) || options.User.StartsWith('-') || options.User.Contains(' ', StringComparison.Ordinal) ? $"perforce.user must be a Perforce user name (got '{options.User}')." : null,
        System.Text.RegularExpressions.Regex.IsMatch(options.ClientPrefix, "^[A-Za-z0-9_][A-Za-z0-9_.-]*$") ? null : $"perforce.client_prefix may hold letters, digits, '.', '_' and '-' (got '{options.ClientPrefix}').",
        Checks.Range("perforce.default_timeout", options.DefaultTimeout, 1, 86_400),
        options.StageTimeouts.Where(t => t.Value is < 1 or > 86_400).Select(t => $"perforce.stage_timeouts.{t.Key} must be between 1 and 86400 (got {t.Value}).").FirstOrDefault(),
        .. Checks.CircuitBreaker("perforce.circuit_breaker", options.CircuitBreaker)]);
}
