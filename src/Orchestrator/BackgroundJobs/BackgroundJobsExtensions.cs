using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.BackgroundJobs;

/// <summary>Hangfire, installed as the engine's background scheduler, with the recurring background jobs and the dashboard.</summary>
public static class BackgroundJobsExtensions
{
    public static IHostApplicationBuilder AddBackgroundJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // In place of the engine's in-process scheduler, whether the engine was added before or after this.
        services.RemoveAll<IBackgroundActivityScheduler>();
        services.AddSingleton<IBackgroundActivityScheduler, HangfireActivityScheduler>();
        services.AddTransient<ActivityBackgroundJobs>();
        var state = builder.Configuration.Section<StateManagementOptions, StateManagementOptionsValidation>(StateManagementOptions.Section);
        var cluster = builder.Configuration.Section<ClusterOptions, ClusterOptionsValidation>(ClusterOptions.Section);
        services.AddHangfire(c =>
        {
            c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (Extensions.StateDatabase.KeepsBackgroundWork(state))
            {
                // In the state database, schema hangfire: queued, scheduled and recurring work outlive the process.
                // Work a process fetched is kept invisible while that process lives (the sliding timeout is renewed
                // in the background) and handed out again after it died, to whichever process polls: a takeover hands
                // out at once what a dead node was processing; what it had fetched and not yet started waits for this
                // timeout, one lease (at least 30 s: a node stalled that long has lost its lease and is fenced anyway).
                c.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(Extensions.StateDatabase.ConnectionString(state)), new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    // Polled, not LISTEN/NOTIFY (EnableLongPolling): on the integration benchmark long polling picked work
                    // up later (job overhead p50 377 ms against 293-305 ms).
                    QueuePollInterval = TimeSpan.FromMilliseconds(200),
                    InvisibilityTimeout = TimeSpan.FromSeconds(Math.Max(cluster.NodeLease, 30)),
                    UseSlidingInvisibilityTimeout = true,
                    // A lock a killed node held (a job's state change under way, a recurring job's pass) would keep others
                    // waiting for 10 minutes by default; it expires with the node's lease instead. A longer holder's lock
                    // (a ResolveWatcher pass over 10,000 parked jobs) may then be taken by a second pass, which only repeats checks.
                    DistributedLockTimeout = TimeSpan.FromSeconds(cluster.NodeLease),
                    PrepareSchemaIfNecessary = true,
                });
            }
            else
            {
                c.UseInMemoryStorage();
            }
        });
        var resources = builder.Configuration.Section<ResourcesOptions, ResourcesOptionsValidation>(ResourcesOptions.Section);
        services.AddHangfireServer((sp, o) =>
        {
            // Named after the node: the node that takes over a dead one finds the work its servers had fetched.
            if (sp.GetService<Cluster.ClusterNode>() is { } node) o.ServerName = node.Id;
            o.Queues = [.. WorkflowRuntime.Queues.OrderBy(q => q switch { "high" => 0, "default" => 1, _ => 2 })];
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            o.WorkerCount = Math.Max(4, resources.MaxConcurrentJobs * 2);
        });
        services.AddHealthChecks().AddCheck<HangfireHealthCheck>("hangfire", tags: ["ready"]);
        services.AddTransient<ResolveWatcher>();
        services.AddSingleton<ResolveSchedule>();
        services.AddSingleton<ParkedJobs>();
        services.AddSingleton<Activities.Perforce.IResolveCheckObserver>(sp => sp.GetRequiredService<ResolveSchedule>());
        services.AddTransient<JobCleanupJobs>();
        services.AddSingleton<P4Flow.Workflows.Runtime.IWorkflowObserver, JobCleanupObserver>();
        services.AddHostedService<RecurringJobsSetup>();
        return builder;
    }

    public static WebApplication MapBackgroundJobs(this WebApplication app)
    {
        // Admins only, through the same sign-in as everything else (not Hangfire's local-requests-only default).
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [] }).RequireAuthorization(Roles.Admin);
        return app;
    }

    /// <summary>Hangfire cron for "every N seconds" (seconds-level for N under a minute).</summary>
    internal static string EverySeconds(int seconds) => seconds switch
    {
        < 60 => $"*/{seconds} * * * * *",
        _ when seconds % 60 == 0 && seconds < 3600 => $"0 */{seconds / 60} * * * *",
        _ => Cron.Hourly(),
    };
}
