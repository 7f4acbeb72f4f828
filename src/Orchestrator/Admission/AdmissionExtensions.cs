using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Orchestrator.Admission;

public static class AdmissionExtensions
{
    /// <summary>
    /// Admission control (resources section, bound by the master configuration) in place of the engine's admit-everything:
    /// quotas, agent slots, priorities, QUEUED. It reads the operator's pause (IOperationsControl, from the agent hub's
    /// wiring; the Studio's never-paused one otherwise).
    /// </summary>
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<AdmissionControl>();
        services.RemoveAll<IJobAdmission>();
        services.AddSingleton<IJobAdmission>(sp => sp.GetRequiredService<AdmissionControl>());
        services.AddSingleton<IWorkflowObserver, AdmissionObserver>();
        services.AddSingleton<IJobInputCheck, JobDemandInputCheck>();
        services.AddSingleton<Studio.Services.IQueuePositions>(sp => new StudioQueuePositions(sp.GetRequiredService<AdmissionControl>()));
        services.AddHostedService<AdmissionPump>();
        if (services.Any(d => d.ServiceType == typeof(Cluster.ClusterNode)))
        {
            // Another node may end or park a job this one admitted: every node hears of it.
            services.AddSingleton<Cluster.ClusterJobEvents>();
            services.AddSingleton<IWorkflowObserver>(sp => sp.GetRequiredService<Cluster.ClusterJobEvents>());
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterJobEvents>());
            // Each node's queue is shown on every node, and a job's place in it.
            services.AddSingleton<Cluster.ClusterAdmission>();
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterAdmission>());
            services.Replace(ServiceDescriptor.Singleton<Studio.Services.IQueuePositions>(sp => sp.GetRequiredService<Cluster.ClusterAdmission>()));
        }
        return builder;
    }

    public static void MapAdmissionEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/admission", (AdmissionControl admission, IServiceProvider services) => services.GetService<Cluster.ClusterAdmission>()?.Snapshot() ?? admission.Snapshot())
            .RequireAuthorization(Roles.Viewer).WithTags("Admission")
            .WithSummary("Admission control: the limits, what the admitted jobs hold, and the jobs waiting in QUEUED in the order they will be admitted, each with why it waits; in a cluster, this node's, with every other node's in nodes.");

    private sealed class StudioQueuePositions(AdmissionControl admission) : Studio.Services.IQueuePositions
    {
        public int? PositionOf(string jobId) => admission.PositionOf(jobId);
    }
}
