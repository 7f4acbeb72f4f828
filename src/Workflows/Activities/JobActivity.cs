using System.Text.Json;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Activities;

/// <summary>
/// A Job-kind activity: its inputs are evaluated inline, its work runs as a background job, and the
/// instance waits on a bookmark until the result arrives.
/// </summary>
public abstract class JobActivity : Activity
{
    public sealed override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CreateBookmark(name: $"job:{context.Record.Id}", dispatch: BookmarkDispatch.Job);
        return ValueTask.CompletedTask;
    }

    /// <summary>The work itself, run by a background worker. Failures are returned, not thrown.</summary>
    public abstract Task<JobResult> RunAsync(JobContext context, CancellationToken cancellationToken);

    public sealed override ValueTask ResumeAsync(ActivityExecutionContext context, JsonNode? payload)
    {
        var result = payload?.Deserialize<JobResult>(WorkflowJson.Options) ?? JobResult.Failed("The job returned no result.");
        if (result.Outputs is { } outputs)
        {
            foreach (var (name, value) in outputs) context.SetRaw(name, value?.DeepClone());
        }
        if (result.Error is { } error) context.Fail(error, result.ErrorClass);
        else OnCompleted(context, result);
        return ValueTask.CompletedTask;
    }

    /// <summary>Chooses the outcome from the job's result; by default the one the job named.</summary>
    protected virtual void OnCompleted(ActivityExecutionContext context, JobResult result) => context.Complete(result.Outcome ?? DoneOutcome);
}

/// <summary>What a job sends back to its activity.</summary>
/// <param name="Retryable">False for a failure no retry can fix: its error class's retry policy is not applied.</param>
public sealed record JobResult(string? Outcome = Activity.DoneOutcome, JsonObject? Outputs = null, string? Error = null, string? ErrorClass = null, bool Retryable = true)
{
    public static JobResult Done(string outcome = Activity.DoneOutcome, JsonObject? outputs = null) => new(outcome, outputs);

    public static JobResult Failed(string error, string? errorClass = null, JsonObject? outputs = null) => new(null, outputs, error, errorClass);
}

/// <summary>What a job's work can see: the evaluated inputs of its activity and where it belongs.</summary>
public sealed class JobContext(WorkflowInstance instance, ActivityExecutionRecord record, IServiceProvider services, IJobWaits waits)
{
    public string JobId => Instance.Id;
    public WorkflowInstance Instance { get; } = instance;
    public ActivityExecutionRecord Record { get; } = record;
    public string ActivityId => Record.ActivityId;
    public string? Stage => Record.Stage;
    public IServiceProvider Services { get; } = services;

    /// <summary>Where the work says it is held up by something outside the workflow (no agent free), for the job's stage to show.</summary>
    public IJobWaits Waits { get; } = waits;

    public T? Get<T>(Input<T> input) => ActivityExecutionContext.Convert<T>(Record.Inputs?[input.Name]);
}
