using System.Text.Json.Nodes;
using P4Flow.Workflows.State;

namespace P4Flow.Notifications;

/// <summary>
/// What a message about a job says, as JSON (also the body of a generic webhook): the job and its link, the branches,
/// changes and their owners, the conflicts or the failure. Built from the job's own record, nothing else, so it is
/// quick and can be built while the step that caused it commits.
/// </summary>
public static class JobPayload
{
    public const string NeedsResolveStage = "NEEDS_RESOLVE";
    /// <summary>A message names this many files at most; the count says how many there are.</summary>
    public const int MaxFiles = 50;

    public static JsonObject Of(WorkflowInstance job, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(options);
        var source = Text(job.Input["source"]);
        var target = Text(job.Input["target"]);
        var sourceChanges = SourceChanges(job);
        // The job's declared owner (the bot's owners map) stands for the changes' authors; else each author owns their change.
        var owners = Text(job.Input["owner"]) is { Length: > 0 } owner ? [owner]
            : sourceChanges.Select(c => Text(c?["user"])).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var payload = new JsonObject
        {
            ["job"] = new JsonObject
            {
                ["id"] = job.Id,
                ["workflow"] = job.DefinitionId,
                ["name"] = job.Name,
                ["status"] = job.Status.ToString(),
                ["stage"] = job.CurrentStage,
                ["startedBy"] = job.StartedBy,
                ["url"] = LinkTo(job.Id, options),
            },
            ["server"] = Text(job.Input["server"]),
            ["source"] = source,
            ["target"] = target,
            ["changes"] = Text(job.Input["changes"]),
            ["sourceChanges"] = new JsonArray([.. sourceChanges.Select(c => c?.DeepClone())]),
            ["owners"] = new JsonArray([.. owners.Select(o => (JsonNode?)o)]),
            ["addresses"] = new JsonArray([.. BranchAddresses(options, source, target).Select(a => (JsonNode?)a)]),
        };
        // A job the integration bot started: its owner acts on the change (shelve, accept theirs, skip, ...) from the edge's page.
        if (Text(job.Input["edge"]) is { } edge && edge.Split(" -> ") is [var from, var into])
            payload["edge"] = new JsonObject { ["id"] = edge, ["url"] = LinkToEdge(from, into, options) };
        if (job.Variables["conflicts"] is JsonArray conflicts && job.CurrentStage == NeedsResolveStage)
        {
            payload["conflictCount"] = conflicts.Count;
            payload["conflicts"] = new JsonArray([.. conflicts.Take(MaxFiles).Select(c => c?.DeepClone())]);
        }
        if (job.Fault is { } fault)
        {
            payload["error"] = new JsonObject
            {
                ["class"] = fault.ErrorClass,
                ["stage"] = FailedStage(job),
                ["activity"] = fault.ActivityId,
                ["message"] = fault.Message,
            };
        }
        return payload;
    }

    /// <summary>The Studio's page of the job, when the public address is configured.</summary>
    public static string? LinkTo(string jobId, NotificationOptions options) =>
        string.IsNullOrEmpty(options?.PublicUrl) ? null : $"{options.PublicUrl.TrimEnd('/')}/jobs/{Uri.EscapeDataString(jobId)}";

    /// <summary>The Studio's page of a branch graph edge, where its changes are acted on; null without the public address.</summary>
    public static string? LinkToEdge(string source, string target, NotificationOptions options) =>
        string.IsNullOrEmpty(options?.PublicUrl) ? null : $"{options.PublicUrl.TrimEnd('/')}/branches/{Uri.EscapeDataString(source)}/{Uri.EscapeDataString(target)}";

    /// <summary>When the job last entered its stage (for a parked job: when it parked).</summary>
    public static DateTime EnteredStage(WorkflowInstance job) =>
        job.StageHistory.LastOrDefault(s => s.Stage == job.CurrentStage)?.EnteredAt ?? job.UpdatedAt;

    private static string? FailedStage(WorkflowInstance job) =>
        job.StageHistory.Count >= 2 && job.StageHistory[^1].Stage == WorkflowInstance.FailedStage ? job.StageHistory[^2].Stage : job.CurrentStage;

    /// <summary>The integrated source changes an activity recorded (P4 integrate's sourceChanges), newest last.</summary>
    private static List<JsonNode?> SourceChanges(WorkflowInstance job) =>
        job.Outputs.Select(o => o.Value is JsonObject output ? output["sourceChanges"] : null).OfType<JsonArray>().LastOrDefault()?.ToList() ?? [];

    /// <summary>The addresses configured for the target branch, and for the edge from the source into it.</summary>
    public static IEnumerable<string> BranchAddresses(NotificationOptions options, string? source, string? target)
    {
        ArgumentNullException.ThrowIfNull(options);
        var found = new List<string>();
        foreach (var (key, addresses) in options.Branches)
        {
            var parts = key.Split(" -> ", StringSplitOptions.TrimEntries);
            var matches = parts.Length == 2
                ? SamePath(parts[0], source) && SamePath(parts[1], target)
                : SamePath(parts[0], target);
            if (matches) found.AddRange(addresses);
        }
        return found.Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private static bool SamePath(string configured, string? path) =>
        path is not null && string.Equals(Trim(configured), Trim(path), StringComparison.Ordinal);

    private static string Trim(string path) => path.EndsWith("/...", StringComparison.Ordinal) ? path[..^4] : path.TrimEnd('/');

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
}
