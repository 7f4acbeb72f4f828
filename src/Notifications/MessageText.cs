using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications;

/// <summary>A message as a person reads it: a subject line and a plain-text body.</summary>
public sealed record RenderedMessage(string Subject, string Body);

/// <summary>
/// Writes what happened in words: which job, which branches, which changes and files, what to do and where. Every
/// channel sends these same words (a webhook adds them to its JSON), so what a person reads is tested once.
/// </summary>
public static class MessageText
{
    public static RenderedMessage Render(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var p = message.Payload;
        var job = JobPayload.Text(p["job"]?["id"]);
        var flow = Flow(p);
        var (subject, lines) = message.Topic switch
        {
            Topics.NeedsResolve => ($"{Count(p["conflictCount"], "conflict")} to resolve{flow} (job {job})", NeedsResolve(p, "The integration stopped in NEEDS_RESOLVE: these files need a person.")),
            Topics.Reminder => ($"Reminder {Number(p["reminder"])}: {Count(p["conflictCount"], "conflict")} still to resolve{flow} (job {job})",
                NeedsResolve(p, $"The job has waited in NEEDS_RESOLVE since {Time(p["parkedAt"])} and nobody has acknowledged it.")),
            Topics.ContinueConflicts => ($"Continue found {Count(p["conflictCount"], "conflict")} left{flow} (job {job})",
                NeedsResolve(p, $"{JobPayload.Text(p["continuedBy"]) ?? "Someone"} pressed Continue, and these files are still unresolved.")),
            Topics.Failed => ($"Job {job} failed in {JobPayload.Text(p["error"]?["stage"]) ?? "?"}: {JobPayload.Text(p["error"]?["class"]) ?? "error"}{flow}", Failed(p)),
            Topics.Completed => ($"Job {job} completed{flow}", Job(p)),
            Topics.AgentLost => ($"Agent {JobPayload.Text(p["agent"])} is lost", [$"Agent {JobPayload.Text(p["agent"])} stopped answering: {JobPayload.Text(p["reason"]) ?? "no reason given"}.", .. Jobs(p)]),
            Topics.AgentCircuitOpen => ($"Agent {JobPayload.Text(p["agent"])}: circuit open", [$"Commands to agent {JobPayload.Text(p["agent"])} failed too often; P4Flow sends it none until the circuit closes again."]),
            Topics.ServerCircuitOpen => ($"Perforce server {JobPayload.Text(p["server"])}: circuit open", [$"Commands to Perforce server {JobPayload.Text(p["server"])} failed too often; jobs using it wait until it answers again."]),
            Topics.Alert => Alert(p),
            Topics.Incident => ($"Incident {JobPayload.Text(p["playbook"])}: {JobPayload.Text(p["outcome"])}", Incident(p)),
            _ => ($"{message.Topic}{flow}", Job(p)),
        };
        return new RenderedMessage("[P4Flow] " + subject, string.Join("\n", lines) + "\n");
    }

    /// <summary>What the playbook saw, then each step it took.</summary>
    private static List<string> Incident(JsonObject p)
    {
        var lines = new List<string> { JobPayload.Text(p["summary"]) ?? "", "" };
        foreach (var step in p["steps"]?.AsArray() ?? [])
            lines.Add($"- {JobPayload.Text(step?["step"])} ({JobPayload.Text(step?["outcome"])}): {JobPayload.Text(step?["detail"])}");
        return lines;
    }

    private static List<string> NeedsResolve(JsonObject p, string first)
    {
        var lines = new List<string> { first, "" };
        if (p["conflicts"] is JsonArray conflicts)
        {
            foreach (var c in conflicts)
            {
                var from = JobPayload.Text(c?["fromFile"]);
                lines.Add($"  {JobPayload.Text(c?["file"])} ({JobPayload.Text(c?["reason"]) ?? "conflict"}){(from is null ? "" : $" from {from}")}");
            }
            var total = Number(p["conflictCount"]);
            if (total > conflicts.Count) lines.Add($"  ... and {total - conflicts.Count} more");
            lines.Add("");
        }
        lines.AddRange(Job(p));
        lines.Add("");
        lines.Add("Resolve the files in the job's workspace, then press Continue on the job's page; acknowledge it there to say you have it.");
        return lines;
    }

    private static List<string> Failed(JsonObject p)
    {
        var error = p["error"];
        var lines = new List<string>
        {
            $"Error class: {JobPayload.Text(error?["class"]) ?? "(none)"}",
            $"Stage: {JobPayload.Text(error?["stage"]) ?? "(unknown)"}",
            "",
            JobPayload.Text(error?["message"]) ?? "(no message)",
            "",
        };
        lines.AddRange(Job(p));
        return lines;
    }

    /// <summary>The lines every message about a job ends with: what it is and where to act on it.</summary>
    private static List<string> Job(JsonObject p)
    {
        var job = p["job"];
        var lines = new List<string> { $"Job: {JobPayload.Text(job?["id"])} ({JobPayload.Text(job?["workflow"])})" };
        if (JobPayload.Text(p["source"]) is { } source) lines.Add($"From: {source}");
        if (JobPayload.Text(p["target"]) is { } target) lines.Add($"Into: {target}");
        if (JobPayload.Text(p["server"]) is { } server) lines.Add($"Server: {server}");
        if (JobPayload.Text(p["changes"]) is { } range) lines.Add($"Changes: {range}");
        if (p["sourceChanges"] is JsonArray { Count: > 0 } changes)
            foreach (var c in changes)
                lines.Add($"  CL {c?["change"]} by {JobPayload.Text(c?["user"]) ?? "?"}: {JobPayload.Text(c?["description"]) ?? ""}".TrimEnd());
        if (JobPayload.Text(job?["startedBy"]) is { } by) lines.Add($"Started by: {by}");
        lines.Add(JobPayload.Text(job?["url"]) is { } url ? $"Open the job: {url}" : "Open the job in the Studio under Jobs.");
        if (p["edge"] is JsonObject edge)
            lines.Add(JobPayload.Text(edge["url"]) is { } edgeUrl
                ? $"Act on the change (shelve for you, accept theirs, skip, retry, acknowledge): {edgeUrl}"
                : $"Act on the change in the Studio under Branches, edge {JobPayload.Text(edge["id"])}.");
        return lines;
    }

    private static IEnumerable<string> Jobs(JsonObject p) =>
        p["jobs"] is JsonArray { Count: > 0 } jobs ? ["", $"Jobs it held: {string.Join(", ", jobs.Select(j => j?.ToString()))}"] : [];

    private static (string, List<string>) Alert(JsonObject p)
    {
        var alert = p["alert"];
        var name = JobPayload.Text(alert?["name"]) ?? "alert";
        var status = JobPayload.Text(alert?["status"]) ?? "firing";
        var lines = new List<string>
        {
            JobPayload.Text(alert?["summary"]) ?? name,
            JobPayload.Text(alert?["description"]) ?? "",
            "",
            $"Status: {status}, since {Time(alert?["startsAt"])}",
            $"Severity: {JobPayload.Text(alert?["severity"]) ?? "(none)"}",
        };
        if (alert?["labels"] is JsonObject labels)
            lines.Add("Labels: " + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}")));
        if (JobPayload.Text(alert?["generatorURL"]) is { } source) lines.Add($"Source: {source}");
        return ($"Alert {name} {(status == "resolved" ? "resolved" : "firing")}", lines);
    }

    private static string Flow(JsonObject p) =>
        JobPayload.Text(p["source"]) is { } source && JobPayload.Text(p["target"]) is { } target ? $": {source} -> {target}" : "";

    private static int Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;

    private static string Count(JsonNode? node, string what)
    {
        var n = Number(node);
        return string.Create(CultureInfo.InvariantCulture, $"{n} {what}{(n == 1 ? "" : "s")}");
    }

    private static string Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<DateTime>(out var at) ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "?";
}
