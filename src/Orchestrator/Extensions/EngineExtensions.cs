using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hosting;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Extensions;

public static class EngineExtensions
{
    /// <summary>The workflow engine on the configured store; <see cref="BackgroundJobs.BackgroundJobsExtensions.AddBackgroundJobs"/> runs its background work.</summary>
    public static IHostApplicationBuilder AddWorkflowEngine(this IHostApplicationBuilder builder)
    {
        var state = builder.Configuration.Section<StateManagementOptions, StateManagementOptionsValidation>(StateManagementOptions.Section);
        var retries = builder.Configuration.Section<RetriesOptions, RetriesOptionsValidation>(RetriesOptions.Section);
        var services = builder.Services;
        services.AddWorkflowEngine();
        if (StateDatabase.For(state, P4Flow.Workflows.Stores.Ef.SchemaHistory.EngineTable) is { } database) services.AddEfWorkflowStore(database);
        else services.AddMemoryWorkflowStore();
        services.Configure<WorkflowEngineOptions>(o =>
        {
            o.MaxHistoryPerJob = state.MaxHistoryPerJob;
            // Hangfire in memory forgets queued and scheduled work on exit; on PostgreSQL it keeps it (and hands out again
            // what a dead process had fetched), so recovery dispatches only what Hangfire does not hold.
            o.RedispatchOnRecovery = true;
            foreach (var (errorClass, policy) in retries.ByErrorClass()) o.JobRetries[errorClass] = policy.ToPolicy();
        });

        if (state.Type == StateManagementOptions.Postgresql)
        {
            // What every orchestrator on the database shares beyond the engine's and the bot's tables (the credentials).
            services.AddPooledDbContextFactory<P4Flow.Cluster.SharedStateDbContext>(StateDatabase.For(state, P4Flow.Workflows.Stores.Ef.SchemaHistory.SharedTable)!);
            services.AddSingleton<P4Flow.Cluster.SharedDocuments>();
            // This process is a node of a cluster: any number of orchestrators on the database.
            var cluster = builder.Configuration.Section<ClusterOptions, ClusterOptionsValidation>(ClusterOptions.Section);
            var server = builder.Configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
            services.AddSingleton(new Cluster.ClusterNode(cluster, StateDatabase.ConnectionString(state), $"{server.HubHost}:{server.Port}"));
            services.AddSingleton<Cluster.INodeTakeover, Cluster.BackgroundWorkTakeover>();
        }
        // Registered before the Hangfire server (AddBackgroundJobs) so the store is ready before the first background job runs.
        services.AddHostedService<EngineStartup>();
        // Joins once the schema is there (EngineStartup), before any background work runs.
        if (state.Type == StateManagementOptions.Postgresql) services.AddHostedService<Cluster.NodeLease>();
        // After the engine's startup: the crash it reports has been recovered from by then.
        services.AddSingleton<Incidents.IncidentLog>();
        services.AddSingleton<P4Flow.Studio.Services.IIncidentList>(sp => sp.GetRequiredService<Incidents.IncidentLog>());
        services.AddHostedService<Incidents.MasterCrashPlaybook>();
        return builder;
    }
}
