using Hangfire;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hosting;

namespace P4Flow.Orchestrator.Extensions;

public static class PerforceExtensions
{
    /// <summary>The P4 activities, the ResolveWatcher, and a command runner.</summary>
    public static IHostApplicationBuilder AddPerforce(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPerforceActivities();
        services.AddOptions<PerforceOptions>().BindConfiguration(PerforceOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PerforceOptions>, PerforceOptionsValidation>();
        // Commands run on this host until the agent hub takes them over.
        services.AddOptions<LocalRunnerOptions>().Configure<Microsoft.Extensions.Options.IOptions<PerforceOptions>>((local, p4) => local.WorkspaceRoot = p4.Value.WorkspaceRoot);
        services.AddSingleton<ICommandDispatcher, LocalCommandRunner>();
        services.AddTransient<ResolveWatcher>();
        services.AddHostedService<RecurringJobsSetup>();
        return builder;
    }

    /// <summary>Hangfire cron for "every N seconds" (seconds-level for N under a minute).</summary>
    internal static string EverySeconds(int seconds) => seconds switch
    {
        < 60 => $"*/{seconds} * * * * *",
        _ when seconds % 60 == 0 && seconds < 3600 => $"0 */{seconds / 60} * * * *",
        _ => Cron.Hourly(),
    };
}
