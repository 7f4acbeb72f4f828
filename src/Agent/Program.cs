using Microsoft.Extensions.DependencyInjection;
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
            // No appsettings.json is read, so nothing is reloaded on change: left on, the host watches its content root
            // (the agent's folder, job workspaces included) recursively, and every file a job writes wakes a watcher.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = args,
                Configuration = new Microsoft.Extensions.Configuration.ConfigurationManager { ["hostBuilder:reloadConfigOnChange"] = "false" },
            });
            builder.AddAgentConfiguration(args);
            builder.AddAgent();
            using var host = builder.Build();
            var stateDir = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AgentOptions>>().Value.StateDir;
            using var held = State.StateFolderLock.Acquire(stateDir);
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (State.StateFolderTakenException ex)
        {
            await Console.Error.WriteLineAsync($"P4Flow agent cannot start: {ex.Message}").ConfigureAwait(false);
            return State.StateFolderLock.ExitCode;
        }
        catch (Exception ex) when (AgentConfiguration.IsConfigurationError(ex))
        {
            await Console.Error.WriteLineAsync($"P4Flow agent cannot start: {AgentConfiguration.Describe(ex)}").ConfigureAwait(false);
            return 2;
        }
    }
}
