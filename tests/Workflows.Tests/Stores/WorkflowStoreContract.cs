using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;
using P4Flow.Workflows.Tests.Support;

namespace P4Flow.Workflows.Tests.Stores;

/// <summary>What every store must do; each store's test class runs these against a fresh store.</summary>
public abstract class WorkflowStoreContract : IAsyncLifetime
{
    private IWorkflowStore? _store;

    protected IWorkflowStore Store => _store ?? throw new InvalidOperationException("The store has not been created.");

    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    public virtual async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.InitializeAsync(CancellationToken.None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SaveDefinitionAsync_NewVersions_KeepsOneLatestAndOnePublished()
    {
        await Store.SaveDefinitionAsync(Definition("flags", 1, latest: true, published: true), CancellationToken.None);
        await Store.SaveDefinitionAsync(Definition("flags", 2, latest: true, published: false), CancellationToken.None);

        Assert.Equal([(1, false, true), (2, true, false)], await FlagsAsync("flags"));
        Assert.Equal(2, (await Store.GetDefinitionAsync("flags", null, CancellationToken.None))!.Version);
        Assert.Equal(1, (await Store.GetPublishedDefinitionAsync("flags", CancellationToken.None))!.Version);

        await Store.SaveDefinitionAsync(Definition("flags", 2, latest: true, published: true), CancellationToken.None);

        Assert.Equal([(1, false, false), (2, true, true)], await FlagsAsync("flags"));
        Assert.Equal(2, (await Store.GetPublishedDefinitionAsync("flags", CancellationToken.None))!.Version);
        Assert.Equal("flags v1", (await Store.GetDefinitionAsync("flags", 1, CancellationToken.None))!.Name);
        Assert.Equal(["flags v2"], (await Store.ListDefinitionsAsync(CancellationToken.None)).Select(d => d.Name));
    }

    [Fact]
    public async Task DeleteDefinitionAsync_TwoVersions_RemovesBothAndLeavesOthers()
    {
        await Store.SaveDefinitionAsync(Definition("doomed", 1, latest: false, published: true), CancellationToken.None);
        await Store.SaveDefinitionAsync(Definition("doomed", 2, latest: true, published: false), CancellationToken.None);
        await Store.SaveDefinitionAsync(Definition("kept", 1, latest: true, published: true), CancellationToken.None);

        Assert.Equal(2, await Store.DeleteDefinitionAsync("doomed", CancellationToken.None));

        Assert.Null(await Store.GetDefinitionAsync("doomed", null, CancellationToken.None));
        Assert.Null(await Store.GetPublishedDefinitionAsync("doomed", CancellationToken.None));
        Assert.Empty(await Store.ListVersionsAsync("doomed", CancellationToken.None));
        Assert.Equal(["kept"], (await Store.ListDefinitionsAsync(CancellationToken.None)).Select(d => d.DefinitionId));
        Assert.Equal(0, await Store.DeleteDefinitionAsync("doomed", CancellationToken.None));
    }

    [Fact]
    public async Task CommitAsync_AfterCreate_RoundTripsInstance()
    {
        var instance = NewInstance();
        await Store.CreateInstanceAsync(instance, CancellationToken.None);

        var read = (await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!;
        read.Status = WorkflowStatus.Suspended;
        read.CurrentStage = "SYNC";
        read.Variables["counter"] = 3;
        read.StageHistory.Add(new StageChange("SYNC", new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        read.Scheduler.Connections[2] = false;
        read.Scheduler.Runs["loop"] = 4;
        await Store.CommitAsync(read, new StepChanges(), CancellationToken.None);

        var again = (await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!;
        Assert.Equal(1, again.Revision);
        Assert.Equal(WorkflowStatus.Suspended, again.Status);
        Assert.Equal("SYNC", again.CurrentStage);
        Assert.Equal("//depot/main", again.Input["branch"]!.GetValue<string>());
        Assert.Equal(3, again.Variables["counter"]!.GetValue<int>());
        Assert.Equal(new StageChange("SYNC", new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)), again.StageHistory.Single());
        Assert.False(again.Scheduler.Connections[2]);
        Assert.Equal(4, again.Scheduler.Runs["loop"]);
        Assert.Single(await Store.ListUnfinishedAsync(CancellationToken.None), i => i.Id == instance.Id);
        var page = await Store.QueryInstancesAsync(new InstanceQuery(Status: WorkflowStatus.Suspended, Stage: "SYNC"), CancellationToken.None);
        Assert.Equal([instance.Id], page.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task ListUnfinishedRevisionsAsync_CommitMovesARevision_EndedJobsLeave_GetInstancesReadsThoseAsked()
    {
        var moving = NewInstance();
        var ending = NewInstance();
        var other = NewInstance();
        foreach (var instance in new[] { moving, ending, other }) await Store.CreateInstanceAsync(instance, CancellationToken.None);
        var before = await Store.ListUnfinishedRevisionsAsync(CancellationToken.None);

        var read = (await Store.GetInstanceAsync(moving.Id, CancellationToken.None))!;
        read.CurrentStage = "SYNC";
        await Store.CommitAsync(read, new StepChanges(), CancellationToken.None);
        var done = (await Store.GetInstanceAsync(ending.Id, CancellationToken.None))!;
        done.Status = WorkflowStatus.Finished;
        await Store.CommitAsync(done, new StepChanges(), CancellationToken.None);
        var after = await Store.ListUnfinishedRevisionsAsync(CancellationToken.None);

        Assert.Equal(before[moving.Id] + 1, after[moving.Id]);
        Assert.Equal(before[other.Id], after[other.Id]);
        Assert.True(before.ContainsKey(ending.Id));
        Assert.False(after.ContainsKey(ending.Id));
        var got = await Store.GetInstancesAsync([moving.Id, other.Id, "no-such-job"], CancellationToken.None);
        Assert.Equal(new[] { moving.Id, other.Id }.Order(StringComparer.Ordinal), got.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal("SYNC", got.Single(i => i.Id == moving.Id).CurrentStage);
    }

    [Fact]
    public async Task QueryRevisionsAsync_KeysetPass_SkipsNoneWhileOthersLeave_RevisionsAsStored()
    {
        var parked = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var instance = NewInstance();
            instance.Status = WorkflowStatus.Suspended;
            instance.CurrentStage = "PARKED";
            await Store.CreateInstanceAsync(instance, CancellationToken.None);
            parked.Add(instance.Id);
        }
        var touched = (await Store.GetInstanceAsync(parked[^1], CancellationToken.None))!;
        touched.Variables["acknowledged"] = true;
        await Store.CommitAsync(touched, new StepChanges(), CancellationToken.None);

        var seen = new List<InstanceRevision>();
        var after = "";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await Store.QueryRevisionsAsync(new InstanceQuery(WorkflowStatus.Suspended, "PARKED", PageSize: 2, After: after), CancellationToken.None);
            seen.AddRange(page);
            if (page.Count < 2) break;
            var moving = (await Store.GetInstanceAsync(page[0].Id, CancellationToken.None))!;
            moving.CurrentStage = "RESOLVE_CHECK";
            await Store.CommitAsync(moving, new StepChanges(), CancellationToken.None);
            after = page[^1].Id;
        }

        Assert.Equal(parked.Order(StringComparer.Ordinal), seen.Select(r => r.Id));
        Assert.All(seen, r => Assert.Equal(r.Id == touched.Id ? 1 : 0, r.Revision));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryRevisionsAsync(new InstanceQuery(WorkflowStatus.Suspended, "PARKED"), CancellationToken.None));
    }

    [Fact]
    public async Task QueryInstancesAsync_KeysetPass_SkipsNoneWhileOthersLeaveBetweenPages()
    {
        var parked = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var instance = NewInstance();
            instance.Status = WorkflowStatus.Suspended;
            instance.CurrentStage = "PARKED";
            await Store.CreateInstanceAsync(instance, CancellationToken.None);
            parked.Add(instance.Id);
        }

        // A pass of pages of 2; after each page the first job of that page moves on (as a resolved job does).
        var seen = new List<string>();
        var after = "";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await Store.QueryInstancesAsync(new InstanceQuery(WorkflowStatus.Suspended, "PARKED", PageSize: 2, After: after), CancellationToken.None);
            seen.AddRange(page.Items.Select(i => i.Id));
            if (page.Items.Count < 2) break;
            var moving = (await Store.GetInstanceAsync(page.Items[0].Id, CancellationToken.None))!;
            moving.CurrentStage = "RESOLVE_CHECK";
            await Store.CommitAsync(moving, new StepChanges(), CancellationToken.None);
            after = page.Items[^1].Id;
        }

        Assert.Equal(parked.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task CommitAsync_StaleRevision_ThrowsConcurrencyExceptionAndKeepsWinner()
    {
        var instance = NewInstance();
        await Store.CreateInstanceAsync(instance, CancellationToken.None);
        var first = (await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!;
        var second = (await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!;
        first.CurrentStage = "WINNER";
        await Store.CommitAsync(first, new StepChanges(), CancellationToken.None);

        second.CurrentStage = "LOSER";
        var changes = new StepChanges();
        changes.AddedExecutions.Add(Execution(instance.Id, 1, "lost"));
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(second, changes, CancellationToken.None));

        Assert.Equal(0, second.Revision);
        Assert.Equal("WINNER", (await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!.CurrentStage);
        Assert.Empty(await Store.ListExecutionsAsync(instance.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ListExecutionsAsync_CommittedOutOfOrder_ReturnsThemInSequenceOrder()
    {
        var instance = NewInstance();
        await Store.CreateInstanceAsync(instance, CancellationToken.None);
        foreach (var batch in new[] { new[] { 3, 1 }, [2], [5, 4] })
        {
            var changes = new StepChanges();
            foreach (var sequence in batch) changes.AddedExecutions.Add(Execution(instance.Id, sequence, $"a{sequence}"));
            await Store.CommitAsync(instance, changes, CancellationToken.None);
        }
        await Store.CreateInstanceAsync(NewInstance(), CancellationToken.None);

        var executions = await Store.ListExecutionsAsync(instance.Id, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5], executions.Select(e => e.Sequence));
        Assert.Equal(["a1", "a2", "a3", "a4", "a5"], executions.Select(e => e.ActivityId));
    }

    [Fact]
    public async Task CommitAsync_UpdatedAndCancelledExecutions_StoresTheirNewStatus()
    {
        var instance = NewInstance();
        await Store.CreateInstanceAsync(instance, CancellationToken.None);
        var running = Execution(instance.Id, 1, "work");
        var waiting = Execution(instance.Id, 2, "wait");
        var added = new StepChanges();
        added.AddedExecutions.AddRange([running, waiting]);
        await Store.CommitAsync(instance, added, CancellationToken.None);

        running.Status = ExecutionStatus.Completed;
        running.Outputs = new JsonObject { ["files"] = 3 };
        var changed = new StepChanges();
        changed.UpdatedExecutions.Add(running);
        changed.CancelledExecutionIds.Add(waiting.Id);
        await Store.CommitAsync(instance, changed, CancellationToken.None);

        var work = (await Store.GetExecutionAsync(running.Id, CancellationToken.None))!;
        Assert.Equal(ExecutionStatus.Completed, work.Status);
        Assert.Equal(3, work.Outputs!["files"]!.GetValue<int>());
        Assert.Equal(ExecutionStatus.Cancelled, (await Store.GetExecutionAsync(waiting.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task FindBookmarksAsync_AddedThenRemoved_FindsItThenNothing()
    {
        var instance = NewInstance();
        await Store.CreateInstanceAsync(instance, CancellationToken.None);
        var bookmark = new Bookmark
        {
            Id = Ids.New(),
            Hash = Bookmark.ComputeHash(instance.Id, "continue"),
            InstanceId = instance.Id,
            ActivityId = "wait",
            ActivityType = "WaitForSignal",
            Name = "continue",
            ExecutionId = Ids.New(),
            CreatedAt = DateTime.UtcNow,
        };
        instance.Bookmarks.Add(bookmark);
        var added = new StepChanges();
        added.AddedBookmarks.Add(bookmark);
        await Store.CommitAsync(instance, added, CancellationToken.None);

        var found = Assert.Single(await Store.FindBookmarksAsync(bookmark.Hash, CancellationToken.None));
        Assert.Equal((bookmark.Id, instance.Id, "wait", "continue"), (found.Id, found.InstanceId, found.ActivityId, found.Name));
        Assert.Empty(await Store.FindBookmarksAsync(Bookmark.ComputeHash(instance.Id, "other"), CancellationToken.None));

        instance.Bookmarks.Clear();
        var removed = new StepChanges();
        removed.RemovedBookmarkIds.Add(bookmark.Id);
        await Store.CommitAsync(instance, removed, CancellationToken.None);

        Assert.Empty(await Store.FindBookmarksAsync(bookmark.Hash, CancellationToken.None));
        Assert.Empty((await Store.GetInstanceAsync(instance.Id, CancellationToken.None))!.Bookmarks);
    }

    private async Task<List<(int Version, bool IsLatest, bool IsPublished)>> FlagsAsync(string definitionId) =>
        (await Store.ListVersionsAsync(definitionId, CancellationToken.None)).Select(d => (d.Version, d.IsLatest, d.IsPublished)).ToList();

    private static WorkflowDefinition Definition(string definitionId, int version, bool latest, bool published)
    {
        var definition = Flow.Create(definitionId).Add("start", "Start").Build();
        definition.Name = $"{definitionId} v{version}";
        definition.Version = version;
        definition.IsLatest = latest;
        definition.IsPublished = published;
        definition.CreatedAt = DateTimeOffset.UtcNow;
        return definition;
    }

    private static WorkflowInstance NewInstance() => new()
    {
        Id = Ids.New(),
        DefinitionId = "contract",
        DefinitionVersion = 1,
        Name = "contract",
        Status = WorkflowStatus.Running,
        Input = new JsonObject { ["branch"] = "//depot/main" },
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };

    private static ActivityExecutionRecord Execution(string instanceId, int sequence, string activityId) => new()
    {
        Id = Ids.New(),
        InstanceId = instanceId,
        Sequence = sequence,
        ActivityId = activityId,
        ActivityType = "Step",
        Status = ExecutionStatus.Running,
        StartedAt = DateTime.UtcNow,
    };
}
