using System.Text.Json.Nodes;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce.Conflicts;

/// <summary>
/// The job's own record of the files people settled on its page (its outputs' <see cref="OutputKey"/>): who chose what,
/// when. An edited merge is recorded as settling before p4 marks the file resolved and as settled once the text is in
/// the workspace, so a job whose text never arrived (the orchestrator stopped in between) is not moved on with p4's
/// conflict markers in the file.
/// </summary>
public static class Settlements
{
    public const string OutputKey = "settled";
    public const string Settling = "settling";
    public const string Settled = "settled";
    public const string Failed = "failed";

    public sealed record Entry(string File, string Choice, string By, DateTime At, string State, string? Error);

    public static IReadOnlyList<Entry> Of(WorkflowInstance job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Outputs[OutputKey] is not JsonArray array) return [];
        return [.. array.OfType<JsonObject>().Select(e => new Entry(
            Text(e, "file") ?? "?", Text(e, "choice") ?? "?", Text(e, "by") ?? "?",
            e["at"] is JsonValue at && at.TryGetValue<DateTime>(out var when) ? when : DateTime.MinValue,
            Text(e, "state") ?? Settled, Text(e, "error")))];
    }

    /// <summary>
    /// Files of the job's current parking whose edited text was never written: the job must not move on while any is
    /// left. An earlier parking's entries do not count (its files were submitted or reverted since).
    /// </summary>
    public static IReadOnlyList<string> Unfinished(WorkflowInstance job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var parked = job.StageHistory.LastOrDefault(s => s.Stage == job.CurrentStage)?.EnteredAt ?? DateTime.MinValue;
        var last = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var entry in Of(job).Where(e => e.At >= parked)) last[entry.File] = entry;
        return [.. last.Values.Where(e => e.State is Settling or Failed).Select(e => e.File)];
    }

    /// <summary>The outputs' list with <paramref name="entry"/> added (a later entry for the same file supersedes the earlier).</summary>
    public static JsonArray With(WorkflowInstance job, Entry entry)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(entry);
        var array = job.Outputs[OutputKey] is JsonArray existing ? (JsonArray)existing.DeepClone() : [];
        array.Add(new JsonObject
        {
            ["file"] = entry.File,
            ["choice"] = entry.Choice,
            ["by"] = entry.By,
            ["at"] = entry.At,
            ["state"] = entry.State,
            ["error"] = entry.Error,
        });
        return array;
    }

    private static string? Text(JsonObject entry, string key) => entry[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
