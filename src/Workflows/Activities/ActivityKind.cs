using System.Text.Json.Serialization;

namespace P4Flow.Workflows.Activities;

[JsonConverter(typeof(JsonStringEnumConverter<ActivityKind>))]
public enum ActivityKind
{
    /// <summary>Runs inline and completes at once.</summary>
    Action,
    /// <summary>Dispatches work to a background job and suspends until its result arrives.</summary>
    Job,
    /// <summary>Waits on a bookmark for an outside stimulus.</summary>
    Blocking,
    /// <summary>Starts an instance.</summary>
    Trigger,
}
