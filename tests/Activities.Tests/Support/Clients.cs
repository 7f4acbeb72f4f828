using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Servers;

namespace P4Flow.Activities.Tests.Support;

internal static class Clients
{
    /// <summary>A P4Client as the host makes it: with its own per-server circuit breakers.</summary>
    public static P4Client P4(ICommandDispatcher dispatcher, PerforceOptions options, params IP4CircuitObserver[] observers)
    {
        var wrapped = Options.Create(options);
        return new P4Client(dispatcher, wrapped, new P4CircuitBreakers(wrapped, observers, NullLogger<P4CircuitBreakers>.Instance), new P4Logins(TimeProvider.System), []);
    }
}
