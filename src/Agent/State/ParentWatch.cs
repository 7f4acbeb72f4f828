using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent.State;

/// <summary>
/// With agent.stop_when_stdin_closes, stops the agent when its standard input reaches its end: the parent that holds
/// the other end of the pipe is gone, whichever way it ended (the kernel closes a killed process's pipes).
/// </summary>
internal sealed partial class ParentWatch(IOptions<AgentOptions> options, IHostApplicationLifetime lifetime, ILogger<ParentWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.StopWhenStdinCloses) return;
        await using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (await input.ReadAsync(buffer, stoppingToken).ConfigureAwait(false) > 0)
            {
                // The parent writes nothing; anything it does write is ignored.
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        LogParentGone(logger);
        lifetime.StopApplication();
    }

    [LoggerMessage(9001, LogLevel.Warning, "Standard input closed: the process that started this agent is gone; stopping")]
    private static partial void LogParentGone(ILogger logger);
}
