using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Extensions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Stores.Ef;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;
using Xunit.Abstractions;

namespace P4Flow.Workflows.Tests.Runtime;

/// <summary>Many jobs resumed twice at once on the SQLite store: the per-instance lock lets exactly one resume through.</summary>
public sealed class ConcurrentResumeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Jobs = 1000;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(120);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"p4flow-concurrency-{Guid.NewGuid():N}");
    private EngineHost? _engine;

    private EngineHost Engine => _engine ?? throw new InvalidOperationException("The engine has not started.");

    public async Task InitializeAsync() => _engine = await EngineHost.StartAsync(s => s.AddSqliteWorkflowStore(Path.Combine(_folder, "p4flow.db")));

    public async Task DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ResumeAsync_TwoResumesPerBookmarkAtOnce_ExactlyOneWinsAndEachJobFinishesOnce()
    {
        await Engine.PublishAsync(Flow.Create("concurrent")
            .Add("start", nameof(Start))
            .Add("wait", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("go") })
            .Add("after", nameof(Step), new() { ["value"] = Flow.Js("activities.wait.payload.job") })
            .Chain("start", "wait", "after")
            .Build());
        var total = Stopwatch.StartNew();

        var ids = new List<string>(Jobs);
        for (var i = 0; i < Jobs; i++) ids.Add((await Engine.StartAsync("concurrent")).Id);
        await Eventually.UntilAsync(
            () => Engine.Store.QueryInstancesAsync(new InstanceQuery(Status: WorkflowStatus.Suspended, DefinitionId: "concurrent", PageSize: 1), CancellationToken.None),
            page => page.Total == Jobs,
            page => $"{page.Total} of {Jobs} jobs are waiting",
            PhaseTimeout);
        var started = total.Elapsed;

        var resumes = ids.SelectMany(id => new[] { id, id })
            .Select(id => Task.Run(() => Engine.Runtime.ResumeAsync(id, "go", new JsonObject { ["job"] = id }, null, CancellationToken.None)))
            .ToList();
        await Eventually.WithinAsync(Task.WhenAll(resumes).ContinueWith(_ => { }, TaskScheduler.Default), $"{resumes.Count} resumes", PhaseTimeout);
        var resumed = total.Elapsed - started;

        var failures = resumes.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).ToList();
        Assert.Empty(failures.Where(e => e is not WorkflowConflictException).Select(e => e.ToString()).Take(3));
        Assert.Equal(Jobs, resumes.Count(t => t.IsCompletedSuccessfully));
        Assert.Equal(Jobs, failures.Count);
        Assert.All(ids, id => Assert.Single(resumes.Where(t => t.IsCompletedSuccessfully), t => t.Result.Id == id));

        var finished = await Engine.Store.QueryInstancesAsync(new InstanceQuery(Status: WorkflowStatus.Finished, DefinitionId: "concurrent", PageSize: 1), CancellationToken.None);
        Assert.Equal(Jobs, finished.Total);
        await using var db = await Engine.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();
        var afterRuns = await db.Executions.Where(r => r.ActivityId == "after").GroupBy(r => r.InstanceId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(Jobs, afterRuns.Count);
        Assert.All(afterRuns, count => Assert.Equal(1, count));
        Assert.Equal(0, await db.Bookmarks.CountAsync());
        Assert.All(ids, id => Assert.Equal(id, Assert.Single(Engine.Journal.For(id)).Value?.GetValue<string>()));

        output.WriteLine($"{Jobs} jobs started and waiting in {started.TotalSeconds:0.0} s; {resumes.Count} resumes in {resumed.TotalSeconds:0.0} s; total {total.Elapsed.TotalSeconds:0.0} s");
    }
}
