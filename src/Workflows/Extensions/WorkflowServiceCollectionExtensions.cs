using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Workflows.Activities;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Expressions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Stores.Ef;

namespace P4Flow.Workflows.Extensions;

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// The engine with its built-in activities. Pick a store with one of the store methods. Background work runs in
    /// process unless the host plugs in an <see cref="IBackgroundActivityScheduler"/> of its own.
    /// </summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ExpressionOptions>();
        services.AddOptions<WorkflowEngineOptions>();
        services.TryAddSingleton<JavaScriptEvaluator>();
        services.TryAddSingleton<ActivityInputEvaluator>();
        services.TryAddSingleton(sp => new ActivityRegistry(sp.GetServices<Activity>()));
        services.TryAddSingleton<FlowchartGraphCache>();
        services.TryAddSingleton<FlowchartRunner>();
        services.TryAddSingleton<InstanceLocks>();
        services.TryAddSingleton<DefinitionValidator>();
        services.TryAddSingleton<WorkflowDefinitionService>();
        services.TryAddSingleton<WorkflowRuntime>();
        // A host's own scheduler (the orchestrator's is Hangfire) is registered before this call or replaces this one.
        services.TryAddSingleton<IBackgroundActivityScheduler, InProcessActivityScheduler>();
        services.TryAddSingleton<BackgroundActivityInvoker>();
        // A host's admission control (the orchestrator's quotas and priorities) is registered before this call or replaces this one.
        services.TryAddSingleton<IJobAdmission, UnlimitedAdmission>();
        services.AddActivity<Start>().AddActivity<Decision>().AddActivity<SetVariable>().AddActivity<Fail>()
            .AddActivity<Finish>().AddActivity<Delay>().AddActivity<WaitForSignal>();
        return services;
    }

    public static IServiceCollection AddActivity<T>(this IServiceCollection services) where T : Activity, new()
    {
        services.AddSingleton<Activity, T>();
        return services;
    }

    /// <summary>The outbox lives in the workflow store, so a step and the messages it causes commit together.</summary>
    private static IServiceCollection AddOutboxOfStore(this IServiceCollection services)
    {
        services.RemoveAll<Outbox.IOutboxStore>();
        services.AddSingleton(sp => (Outbox.IOutboxStore)sp.GetRequiredService<IWorkflowStore>());
        return services;
    }

    public static IServiceCollection AddMemoryWorkflowStore(this IServiceCollection services)
    {
        services.RemoveAll<IWorkflowStore>();
        services.AddSingleton<IWorkflowStore, MemoryWorkflowStore>();
        return services.AddOutboxOfStore();
    }

    /// <summary>The relational store on SQLite at <paramref name="path"/>.</summary>
    public static IServiceCollection AddSqliteWorkflowStore(this IServiceCollection services, string path) =>
        services.AddEfWorkflowStore(o => o.UseSqlite(SqliteConnectionString(path)).AddInterceptors(SqlitePragmas));

    /// <summary>The SQLite file at <paramref name="path"/> as the engine's store opens it; for the contexts kept beside it too.</summary>
    public static string SqliteConnectionString(string path) => $"Data Source={path};Pooling=True;Default Timeout=30";

    /// <summary>WAL with synchronous=NORMAL and a 30 s busy wait on every connection to the file.</summary>
    public static Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor SqlitePragmas { get; } = new SqlitePragmas();

    public static IServiceCollection AddEfWorkflowStore(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
    {
        services.RemoveAll<IWorkflowStore>();
        services.AddPooledDbContextFactory<WorkflowDbContext>(configure);
        services.AddSingleton<IWorkflowStore, EfWorkflowStore>();
        return services.AddOutboxOfStore();
    }
}
