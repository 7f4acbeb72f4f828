using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Tests.Support;

/// <summary>What the test activities did, in the order they did it; shared by every job of one host.</summary>
public sealed class Journal
{
    private readonly ConcurrentQueue<JournalEntry> _entries = new();

    public void Add(string instanceId, string activityId, JsonNode? value) =>
        _entries.Enqueue(new JournalEntry(instanceId, activityId, value?.DeepClone()));

    public IReadOnlyList<JournalEntry> For(string instanceId) => _entries.Where(e => e.InstanceId == instanceId).ToList();

    /// <summary>The ids of the activities that ran in <paramref name="instanceId"/>, in order.</summary>
    public IReadOnlyList<string> Ran(string instanceId) => For(instanceId).Select(e => e.ActivityId).ToList();

    public int Count(string instanceId, string activityId) => For(instanceId).Count(e => e.ActivityId == activityId);

    public IReadOnlyList<JournalEntry> All() => _entries.ToList();
}

public sealed record JournalEntry(string InstanceId, string ActivityId, JsonNode? Value);
