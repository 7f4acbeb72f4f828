namespace P4Flow.Orchestrator.Extensions;

public static class LoggingExtensions
{
    /// <summary>Our own events at Information; the frameworks' chatter (every SQL command, every poll) only when it matters.</summary>
    public static IHostApplicationBuilder AddLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Hangfire", LogLevel.Warning);
        return builder;
    }
}
