using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Activities.Perforce.Activities;
using P4Flow.Workflows.Extensions;

namespace P4Flow.Activities.Perforce;

public static class PerforceServiceCollectionExtensions
{
    /// <summary>The P4 activities and their client. The host binds <see cref="PerforceOptions"/> and registers an ICommandDispatcher.</summary>
    public static IServiceCollection AddPerforceActivities(this IServiceCollection services)
    {
        services.AddOptions<PerforceOptions>();
        services.TryAddSingleton<P4CircuitBreakers>();
        services.TryAddSingleton<Servers.P4ServerStatus>();
        services.TryAddSingleton<P4Client>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Servers.P4Logins>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<P4Flow.Workflows.Definitions.IJobInputCheck, PerforceInputCheck>());
        services.TryAddSingleton<ResolveContinuation>();
        services.TryAddSingleton<Conflicts.ConflictDesk>();
        services.TryAddSingleton<WorkspaceCleanup>();
        return services
            .AddActivity<P4Workspace>().AddActivity<P4Sync>().AddActivity<P4Integrate>().AddActivity<P4Resolve>()
            .AddActivity<P4ResolveCheck>().AddActivity<WaitForResolve>().AddActivity<P4PreSubmit>().AddActivity<P4Shelve>()
            .AddActivity<P4Push>().AddActivity<P4Revert>();
    }
}
