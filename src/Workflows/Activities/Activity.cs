using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Activities;

/// <summary>
/// Base of every activity. Activities are stateless singletons: everything about one run is in the
/// <see cref="ActivityExecutionContext"/>. Returning without completing, suspending or failing completes
/// the activity with the <see cref="DoneOutcome"/>.
/// </summary>
public abstract class Activity
{
    public const string DoneOutcome = "Done";

    public virtual ValueTask ExecuteAsync(ActivityExecutionContext context) => ValueTask.CompletedTask;

    /// <summary>Called when a bookmark this activity created is resumed with <paramref name="payload"/>.</summary>
    public virtual ValueTask ResumeAsync(ActivityExecutionContext context, JsonNode? payload) => ValueTask.CompletedTask;
}
