using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce;

/// <summary>Told when a server's circuit opens or closes (the host's metrics); called on the command's thread, so it must be quick.</summary>
public interface IP4CircuitObserver
{
    void CircuitChanged(string server, bool open);
}

/// <summary>
/// One Polly circuit breaker per Perforce server (P4PORT), counting commands whose output is a NETWORK_ERROR.
/// While a server's circuit is open its commands are not sent at all: they fail with NETWORK_ERROR at once, so the
/// job's retry policy backs off instead of tying up an agent on a server that is down. After the break one trial
/// command goes through; its success closes the circuit.
/// </summary>
public sealed partial class P4CircuitBreakers(IOptions<PerforceOptions> options, IEnumerable<IP4CircuitObserver> observers, ILogger<P4CircuitBreakers> logger) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public async Task<P4Output> RunAsync(string server, Func<CancellationToken, Task<P4Output>> command, CancellationToken cancellationToken)
    {
        var settings = options.Value.CircuitBreaker;
        if (!settings.Enabled) return await command(cancellationToken).ConfigureAwait(false);
        var pipeline = _registry.GetOrAddPipeline<P4Output>(server, builder => builder.AddCircuitBreaker(Breaker(server, settings)));
        try
        {
            return await pipeline.ExecuteAsync(async token => await command(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            var until = DateTimeOffset.UtcNow + (ex.RetryAfter ?? TimeSpan.Zero);
            throw new P4CircuitOpenException(server, until);
        }
    }

    public void Dispose() => _registry.Dispose();

    private CircuitBreakerStrategyOptions<P4Output> Breaker(string server, P4CircuitBreakerOptions settings)
    {
        var breaker = settings.Strategy<P4Output>();
        // Only the server being unreachable counts: a lock or a conflict says the server is fine.
        breaker.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } output && P4ErrorClass.Classify(output) == P4ErrorClass.NetworkError);
        breaker.OnOpened = args =>
        {
            LogOpened(logger, server, args.BreakDuration.TotalSeconds, Reason(args.Outcome));
            Notify(server, open: true);
            return default;
        };
        breaker.OnHalfOpened = _ =>
        {
            LogHalfOpened(logger, server);
            return default;
        };
        breaker.OnClosed = _ =>
        {
            LogClosed(logger, server);
            Notify(server, open: false);
            return default;
        };
        return breaker;
    }

    private void Notify(string server, bool open)
    {
        foreach (var observer in observers) observer.CircuitChanged(server, open);
    }

    private static string Reason(Outcome<P4Output> outcome) =>
        outcome.Result is { } output ? output.Text.Split('\n', 2)[0].Trim() : outcome.Exception?.Message ?? "";

    [LoggerMessage(1301, LogLevel.Warning, "Perforce server {Server}: circuit opened for {BreakSeconds} s after repeated network errors ({Reason}); its commands fail at once until then")]
    private static partial void LogOpened(ILogger logger, string server, double breakSeconds, string reason);

    [LoggerMessage(1302, LogLevel.Information, "Perforce server {Server}: circuit half-open, letting one trial command through")]
    private static partial void LogHalfOpened(ILogger logger, string server);

    [LoggerMessage(1303, LogLevel.Information, "Perforce server {Server}: circuit closed, a command reached it again")]
    private static partial void LogClosed(ILogger logger, string server);
}

/// <summary>A command was not sent: its server's circuit is open. NETWORK_ERROR, so the job's retry policy waits and tries again.</summary>
public sealed class P4CircuitOpenException(string server, DateTimeOffset until)
    : JobFailedException($"Perforce server {server} is unreachable: its circuit is open until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC after repeated network errors; the command was not sent.", P4ErrorClass.NetworkError)
{
    public string Server { get; } = server;
    public DateTimeOffset Until { get; } = until;
}
