using P4Flow.Branches;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Branches;

public static class BranchesExtensions
{
    /// <summary>The branch graph (src/Branches) in the engine's database, or in memory with it.</summary>
    public static IHostApplicationBuilder AddBranches(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var state = builder.Configuration.Section<StateManagementOptions, StateManagementOptionsValidation>(StateManagementOptions.Section);
        builder.Services.AddBranches(Extensions.StateDatabase.For(state, P4Flow.Workflows.Stores.Ef.SchemaHistory.BranchesTable));
        builder.Services.AddSingleton<IBranchGraphContext, BranchGraphHostContext>();
        builder.Services.AddSingleton<P4Flow.Studio.Services.IBranchGraphView, StudioBranchGraph>();
        builder.Services.AddSingleton<P4Flow.Branches.Watch.IBranchServer, P4BranchServer>();
        builder.Services.AddSingleton<P4Flow.Branches.Watch.IBranchJobs, WorkflowBranchJobs>();
        builder.Services.AddSingleton<P4Flow.Workflows.Runtime.IWorkflowObserver, BranchJobObserver>();
        builder.Services.AddHostedService<BranchWatchSchedule>();
        builder.Services.AddSingleton<BranchChangeActions>();
        // Metrics where the host has them (it registers P4FlowMetrics before the branches).
        if (builder.Services.Any(d => d.ServiceType == typeof(Observability.P4FlowMetrics)))
        {
            builder.Services.AddSingleton<BranchMetrics>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BranchMetrics>());
            builder.Services.AddSingleton<P4Flow.Branches.Watch.IBranchObserver>(sp => sp.GetRequiredService<BranchMetrics>());
        }
        return builder;
    }

    public static WebApplication MapBranches(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapBranchEndpoints();
        app.MapChangeEndpoints();
        return app;
    }
}
