using System.Collections;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Runtime;

/// <summary>
/// The logging scope of a worker advancing a job: every event logged meanwhile carries job_id, workflow and stage.
/// The stage is read when each event is written, so events after a stage change show the new one.
/// </summary>
internal sealed class JobLogScope(WorkflowInstance instance) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("job_id", instance.Id),
        1 => new("workflow", instance.DefinitionId),
        2 => new("stage", instance.CurrentStage),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"job {instance.Id} stage {instance.CurrentStage}";
}
