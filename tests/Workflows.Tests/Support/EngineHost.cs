using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Support;

/// <summary>
/// The engine as a host runs it: a generic host with the workflow engine, a store, the engine's in-process background
/// scheduler and the test activities. (The orchestrator's tests run the engine on its Hangfire scheduler.)
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHost(IHost host)
    {
        _host = host;
        Store = host.Services.GetRequiredService<IWorkflowStore>();
        Runtime = host.Services.GetRequiredService<WorkflowRuntime>();
        Definitions = host.Services.GetRequiredService<WorkflowDefinitionService>();
        Journal = host.Services.GetRequiredService<Journal>();
        Gate = host.Services.GetRequiredService<JobGate>();
    }

    public IServiceProvider Services => _host.Services;
    public IWorkflowStore Store { get; }
    public WorkflowRuntime Runtime { get; }
    public WorkflowDefinitionService Definitions { get; }
    public Journal Journal { get; }
    public JobGate Gate { get; }

    /// <summary>Starts a host; <paramref name="addStore"/> picks the store, <paramref name="configure"/> changes anything else.</summary>
    public static async Task<EngineHost> StartAsync(Action<IServiceCollection> addStore, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var services = builder.Services;
        services.AddWorkflowEngine();
        addStore(services);
        services.AddSingleton<Journal>();
        services.AddSingleton<JobGate>();
        services.AddActivity<Step>().AddActivity<Choose>().AddActivity<TestJob>().AddActivity<Typed>();
        configure?.Invoke(services);

        var host = builder.Build();
        await host.Services.GetRequiredService<IWorkflowStore>().InitializeAsync(CancellationToken.None);
        await host.StartAsync();
        return new EngineHost(host);
    }

    public static Task<EngineHost> StartInMemoryAsync() => StartAsync(s => s.AddMemoryWorkflowStore());

    /// <summary>Saves <paramref name="definition"/> as a draft and publishes it.</summary>
    public async Task<WorkflowDefinition> PublishAsync(WorkflowDefinition definition)
    {
        await Definitions.SaveDraftAsync(definition, CancellationToken.None);
        return await Definitions.PublishAsync(definition.DefinitionId, CancellationToken.None);
    }

    public Task<WorkflowInstance> StartAsync(string definitionId, JsonObject? input = null) =>
        Runtime.StartAsync(definitionId, input, CancellationToken.None);

    /// <summary>Publishes, starts and waits until the job ends.</summary>
    public async Task<WorkflowInstance> RunAsync(WorkflowDefinition definition, JsonObject? input = null)
    {
        await PublishAsync(definition);
        var started = await StartAsync(definition.DefinitionId, input);
        return await WaitForEndAsync(started.Id);
    }

    public async Task<WorkflowInstance> GetAsync(string instanceId) =>
        await Store.GetInstanceAsync(instanceId, CancellationToken.None) ?? throw new InvalidOperationException($"Job {instanceId} is not in the store.");

    public Task<WorkflowInstance> WaitForAsync(string instanceId, Func<WorkflowInstance, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => GetAsync(instanceId), condition, i => $"job {instanceId} never got {what}; it is {Describe(i)}", timeout);

    /// <summary>Waits for <paramref name="status"/>; fails at once if the job ends in another status.</summary>
    public async Task<WorkflowInstance> WaitForStatusAsync(string instanceId, WorkflowStatus status, TimeSpan? timeout = null)
    {
        var instance = await WaitForAsync(instanceId, i => i.Status == status || i.Status.IsTerminal(), $"status {status}", timeout);
        Assert.True(instance.Status == status, $"Job {instanceId} should be {status} but is {Describe(instance)}");
        return instance;
    }

    public Task<WorkflowInstance> WaitForEndAsync(string instanceId, TimeSpan? timeout = null) =>
        WaitForAsync(instanceId, i => i.Status.IsTerminal(), "to an end", timeout);

    public Task<IReadOnlyList<ActivityExecutionRecord>> ExecutionsAsync(string instanceId) =>
        Store.ListExecutionsAsync(instanceId, CancellationToken.None);

    /// <summary>A job of a one-step workflow still runs to the end: the engine is not stuck.</summary>
    public async Task AssertEngineRunsJobsAsync()
    {
        var id = $"alive-{Guid.NewGuid():N}";
        var finished = await RunAsync(Flow.Create(id).Add("start", nameof(Start)).Add("step", nameof(Step)).Chain("start", "step").Build());
        Assert.Equal(WorkflowStatus.Finished, finished.Status);
        Assert.Equal(["step"], Journal.Ran(finished.Id));
    }

    public static string Describe(WorkflowInstance instance) =>
        $"{instance.Status} in stage {instance.CurrentStage ?? "(none)"}" +
        (instance.Fault is { } fault ? $", fault '{fault.Message}' at {fault.ActivityId ?? "(job)"}" : "") +
        $", waiting on [{string.Join(", ", instance.Bookmarks.Select(b => b.Name))}]";

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stopping.Token);
        _host.Dispose();
    }
}
