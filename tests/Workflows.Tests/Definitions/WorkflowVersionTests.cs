using P4Flow.Workflows.Activities.BuiltIn;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Tests.Support;
using P4Flow.Workflows.Tests.Support.Activities;

namespace P4Flow.Workflows.Tests.Definitions;

public sealed class WorkflowVersionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private readonly EngineHost _engine = fixture.Host;

    [Fact]
    public async Task PublishAsync_FirstDraft_MakesVersionOnePublishedAndLatest()
    {
        var draft = await _engine.Definitions.SaveDraftAsync(Versioned("v-first", "one"), CancellationToken.None);
        Assert.Equal(1, draft.Version);
        Assert.Null(await _engine.Store.GetPublishedDefinitionAsync("v-first", CancellationToken.None));

        await _engine.Definitions.PublishAsync("v-first", CancellationToken.None);

        var published = await _engine.Store.GetPublishedDefinitionAsync("v-first", CancellationToken.None);
        Assert.NotNull(published);
        Assert.Equal(1, published.Version);
        Assert.True(published.IsPublished);
        Assert.True(published.IsLatest);
        Assert.NotNull(published.PublishedAt);
    }

    [Fact]
    public async Task SaveDraftAsync_AfterPublish_AddsVersionTwoAndVersionOneStaysPublishedAndUnchanged()
    {
        await _engine.PublishAsync(Versioned("v-draft", "one"));

        var draft = await _engine.Definitions.SaveDraftAsync(Versioned("v-draft", "two"), CancellationToken.None);

        Assert.Equal(2, draft.Version);
        var published = await _engine.Store.GetPublishedDefinitionAsync("v-draft", CancellationToken.None);
        Assert.Equal(1, published!.Version);
        Assert.Equal("one", StepValue(published));
        var latest = await _engine.Store.GetDefinitionAsync("v-draft", null, CancellationToken.None);
        Assert.Equal(2, latest!.Version);
        Assert.False(latest.IsPublished);
        var versions = await _engine.Store.ListVersionsAsync("v-draft", CancellationToken.None);
        Assert.Equal([(1, true, false, "one"), (2, false, true, "two")], versions.Select(v => (v.Version, v.IsPublished, v.IsLatest, StepValue(v))));
    }

    [Fact]
    public async Task SaveDraftAsync_DraftSavedAgain_ReplacesTheDraftVersion()
    {
        await _engine.PublishAsync(Versioned("v-redraft", "one"));
        await _engine.Definitions.SaveDraftAsync(Versioned("v-redraft", "two"), CancellationToken.None);

        var again = await _engine.Definitions.SaveDraftAsync(Versioned("v-redraft", "two, edited"), CancellationToken.None);

        Assert.Equal(2, again.Version);
        var versions = await _engine.Store.ListVersionsAsync("v-redraft", CancellationToken.None);
        Assert.Equal(["one", "two, edited"], versions.Select(StepValue));
    }

    [Fact]
    public async Task StartAsync_VersionTwoPublishedWhileJobWaits_JobFinishesOnVersionOne()
    {
        await _engine.PublishAsync(Versioned("v-running", "one"));
        var first = await _engine.StartAsync("v-running");
        await _engine.WaitForStatusAsync(first.Id, WorkflowStatus.Suspended);

        await _engine.PublishAsync(Versioned("v-running", "two"));
        var second = await _engine.StartAsync("v-running");
        await _engine.Runtime.ResumeAsync(first.Id, "go", null, null, CancellationToken.None);
        await _engine.WaitForStatusAsync(second.Id, WorkflowStatus.Suspended);
        await _engine.Runtime.ResumeAsync(second.Id, "go", null, null, CancellationToken.None);

        var firstDone = await _engine.WaitForStatusAsync(first.Id, WorkflowStatus.Finished);
        var secondDone = await _engine.WaitForStatusAsync(second.Id, WorkflowStatus.Finished);
        Assert.Equal(1, firstDone.DefinitionVersion);
        Assert.Equal("one", _engine.Journal.For(first.Id).Single().Value?.GetValue<string>());
        Assert.Equal(2, secondDone.DefinitionVersion);
        Assert.Equal("two", _engine.Journal.For(second.Id).Single().Value?.GetValue<string>());
        var versions = await _engine.Store.ListVersionsAsync("v-running", CancellationToken.None);
        Assert.Equal([(1, false), (2, true)], versions.Select(v => (v.Version, v.IsPublished)));
    }

    [Fact]
    public async Task PublishAsync_InvalidDraft_ThrowsAndPublishesNothing()
    {
        var invalid = Flow.Create("v-invalid")
            .Add("start", nameof(Start))
            .Add("wait", nameof(WaitForSignal))
            .Chain("start", "wait")
            .Build();
        await _engine.Definitions.SaveDraftAsync(invalid, CancellationToken.None);

        var error = await Assert.ThrowsAsync<WorkflowValidationException>(() => _engine.Definitions.PublishAsync("v-invalid", CancellationToken.None));

        Assert.Contains(error.Errors, e => e.Path == "activities[wait].inputs.signal");
        Assert.Null(await _engine.Store.GetPublishedDefinitionAsync("v-invalid", CancellationToken.None));
        Assert.All(await _engine.Store.ListVersionsAsync("v-invalid", CancellationToken.None), v => Assert.False(v.IsPublished));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => _engine.StartAsync("v-invalid"));
    }

    [Fact]
    public async Task DeleteAsync_JobStillWaiting_RefusesUntilTheJobEnds()
    {
        await _engine.PublishAsync(Versioned("v-delete", "one"));
        var job = await _engine.StartAsync("v-delete");
        await _engine.WaitForStatusAsync(job.Id, WorkflowStatus.Suspended);

        await Assert.ThrowsAsync<WorkflowConflictException>(() => _engine.Definitions.DeleteAsync("v-delete", CancellationToken.None));
        Assert.NotNull(await _engine.Store.GetPublishedDefinitionAsync("v-delete", CancellationToken.None));

        await _engine.Runtime.CancelAsync(job.Id, "test", CancellationToken.None);
        await _engine.Definitions.DeleteAsync("v-delete", CancellationToken.None);

        Assert.Empty(await _engine.Store.ListVersionsAsync("v-delete", CancellationToken.None));
        Assert.NotNull(await _engine.Store.GetInstanceAsync(job.Id, CancellationToken.None));
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => _engine.Definitions.DeleteAsync("v-delete", CancellationToken.None));
    }

    // start -> wait for "go" -> step that records which version it belongs to.
    private static WorkflowDefinition Versioned(string definitionId, string label) => Flow.Create(definitionId)
        .Add("start", nameof(Start))
        .Add("wait", nameof(WaitForSignal), new() { ["signal"] = Flow.Lit("go") })
        .Add("step", nameof(Step), new() { ["value"] = Flow.Lit(label) })
        .Chain("start", "wait", "step")
        .Build();

    private static string? StepValue(WorkflowDefinition definition) =>
        definition.Root.Activities.Single(a => a.Id == "step").Inputs["value"].Expression.Value?.GetValue<string>();
}
