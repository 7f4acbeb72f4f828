using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Incidents;

/// <summary>
/// MASTER_CRASH (seed 8.3): state_management.run_file (data/orchestrator.run) is written at every start and removed by a clean stop, so finding
/// it at a start means the last run ended without one (kill -9, power loss, OOM). Then, once the engine has resumed
/// the unfinished jobs, an incident records what was found and recovered, and the admins are told. Registered after
/// the engine's startup, so the recovery it reports has happened.
/// </summary>
internal sealed class MasterCrashPlaybook(IWorkflowStore store, IncidentLog incidents, TimeProvider clock, IOptions<StateManagementOptions> options) : IHostedService
{
    public const string Playbook = "MASTER_CRASH";
    private readonly string _marker = Path.GetFullPath(options.Value.RunFile);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var previous = File.Exists(_marker) ? Previous() : null;
        Directory.CreateDirectory(Path.GetDirectoryName(_marker)!);
        var now = clock.GetUtcNow();
        await File.WriteAllTextAsync(_marker, new JsonObject { ["pid"] = Environment.ProcessId, ["startedAt"] = now }.ToJsonString(), cancellationToken).ConfigureAwait(false);
        if (previous is null) return;

        var steps = new List<IncidentStep>
        {
            new("detect", now, "done", previous),
        };
        var unfinished = await store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        var ids = unfinished.Select(j => j.Id).ToList();
        steps.Add(new("recover", clock.GetUtcNow(), "done", ids.Count == 0
            ? "no job was unfinished"
            : $"{ids.Count} unfinished job(s) resumed where they stood: {string.Join(", ", ids.Take(50))}{(ids.Count > 50 ? ", ..." : "")}"));
        steps.Add(incidents.Notifies
            ? new("notify", clock.GetUtcNow(), "done", "told through notifications.events.incident")
            : new("notify", clock.GetUtcNow(), "skipped", "no channel routes notifications.events.incident"));
        var incident = new Incident(Guid.NewGuid().ToString("N"), Playbook, now, clock.GetUtcNow(), Incident.Recovered,
            $"The orchestrator did not stop cleanly; {ids.Count} unfinished job(s) were resumed at this start.", steps);
        await incidents.RecordAsync(incident, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A clean stop: the next start finds no marker.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        File.Delete(_marker);
        return Task.CompletedTask;
    }

    private string Previous()
    {
        try
        {
            var run = JsonNode.Parse(File.ReadAllText(_marker));
            var started = run?["startedAt"]?.GetValue<DateTimeOffset>();
            var pid = run?["pid"]?.GetValue<int>();
            var alive = pid is { } p && p != Environment.ProcessId && Alive(p) ? " (that process id is in use again)" : "";
            return $"the run started {started?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "at an unknown time"} as process {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"} did not stop cleanly{alive}";
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return "the last run did not stop cleanly (its run file was unreadable)";
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
