using System.Text.Json.Nodes;

namespace P4Flow.Workflows.Definitions;

/// <summary>
/// A host's own rules for a job's inputs, checked when the job is started, after the workflow's declared inputs are
/// bound: a server name that must be configured, a changelist range that must parse. A mistake is the caller's, so it
/// is reported as a 400 naming <c>input.NAME</c>, not found later as a failed job.
/// </summary>
public interface IJobInputCheck
{
    /// <summary>Adds an entry to <paramref name="errors"/>, keyed <c>input.NAME</c>, for each input it refuses.</summary>
    void Check(JsonObject input, IDictionary<string, string[]> errors);
}
