using Microsoft.Extensions.Hosting;
using P4Flow.Agent.Configuration;

namespace P4Flow.Agent;

// A named entry point: the orchestrator references this project, and two top-level `Program` classes would collide.
internal static class AgentProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddAgentConfiguration(args);
            builder.AddAgent();
            await builder.Build().RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (AgentConfiguration.IsConfigurationError(ex))
        {
            await Console.Error.WriteLineAsync($"P4Flow agent cannot start: {AgentConfiguration.Describe(ex)}").ConfigureAwait(false);
            return 2;
        }
    }
}
