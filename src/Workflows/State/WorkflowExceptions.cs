namespace P4Flow.Workflows.State;

/// <summary>The job is not where the caller expected it; the API answers 409.</summary>
public sealed class WorkflowConflictException(string message) : Exception(message);

/// <summary>A job, definition or bookmark that does not exist; the API answers 404.</summary>
public sealed class WorkflowNotFoundException(string message) : Exception(message);

/// <summary>Another worker committed the instance first.</summary>
public sealed class ConcurrencyException(string instanceId)
    : Exception($"Instance {instanceId} was changed by another worker.");

/// <summary>Bad input from a caller, keyed by the field it concerns; the API answers 400.</summary>
public sealed class WorkflowInputException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("Invalid input: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public WorkflowInputException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}

/// <summary>
/// A job's work could not be done for a reason outside the activity (its agent was lost, no agent could take it);
/// the activity fails with <see cref="ErrorClass"/> instead of a generic error.
/// </summary>
/// <param name="retryable">False when running it again cannot help (its stage's time budget is spent): the error
/// class's retry policy is not applied.</param>
public class JobFailedException(string message, string errorClass, bool retryable = true) : Exception(message)
{
    public string ErrorClass { get; } = errorClass;

    public bool Retryable { get; } = retryable;
}
