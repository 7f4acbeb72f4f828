namespace P4Flow.Workflows.Definitions;

/// <summary>A definition that cannot be published; the API answers 400 with each error under its path.</summary>
public sealed class WorkflowValidationException(IReadOnlyList<ValidationError> errors)
    : Exception("The workflow is not valid: " + string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
