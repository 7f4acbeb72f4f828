using System.Text.Json.Nodes;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Admission;

/// <summary>
/// The order in which waiting jobs are admitted: urgent, then high, default, low (the seed's PriorityJobQueue), oldest
/// first within one; every <c>resources.priority_aging</c> seconds of waiting raise a job one rank, so a low job is
/// never starved by a stream of higher ones.
/// </summary>
public static class JobPriority
{
    public const int Urgent = 0, High = 1, Default = 2, Low = 3;

    public static int RankOf(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Input["priority"] is JsonValue value && value.TryGetValue<string>(out var priority) && priority == WorkflowRuntime.UrgentPriority)
            return Urgent;
        return instance.Queue switch { "high" => High, "low" => Low, _ => Default };
    }

    /// <summary>The rank after aging: one better per full <paramref name="aging"/> waited, never above urgent.</summary>
    public static int Effective(int rank, TimeSpan waited, TimeSpan aging) =>
        aging <= TimeSpan.Zero || waited <= TimeSpan.Zero ? rank : Math.Max(Urgent, rank - (int)Math.Min(rank, waited / aging));

    public static string NameOf(int rank) => rank switch { Urgent => "urgent", High => "high", Low => "low", _ => "default" };
}
