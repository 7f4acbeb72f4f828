using System.Globalization;
using System.Text.Json.Nodes;

namespace P4Flow.Hub.Benchmarks;

/// <summary>One command of a job: the process as its runner timed it, and the dispatch as the job waited for it.</summary>
internal sealed record CommandTiming(string Name, string Stage, double DurationMs, double RoundTripMs, DateTime EndedAt)
{
    public DateTime StartedAt => EndedAt.AddTicks(-(long)(RoundTripMs * TimeSpan.TicksPerMillisecond));
    public double DispatchMs => RoundTripMs - DurationMs;
}

/// <summary>One activity execution of a job, with the commands it sent.</summary>
internal sealed record ActivityTiming(string Id, string Type, DateTime StartedAt, DateTime CompletedAt, IReadOnlyList<CommandTiming> Commands)
{
    public double DurationMs => (CompletedAt - StartedAt).TotalMilliseconds;
    public double P4Ms => Commands.Sum(c => c.DurationMs);
    /// <summary>From the activity's start to its first command: for a background activity, the scheduler's pickup of its job.</summary>
    public double BeforeFirstCommandMs => Commands.Count == 0 ? 0 : (Commands[0].StartedAt - StartedAt).TotalMilliseconds;
    /// <summary>From its last command's answer to the activity's completion: parsing, the resume and its commit.</summary>
    public double AfterLastCommandMs => Commands.Count == 0 ? 0 : (CompletedAt - Commands[^1].EndedAt).TotalMilliseconds;
    public double BetweenCommandsMs => Commands.Count < 2 ? 0 : Commands.Zip(Commands.Skip(1)).Sum(p => (p.Second.StartedAt - p.First.EndedAt).TotalMilliseconds);
}

/// <summary>One integration job, and where its wall time went.</summary>
internal sealed record IntegrationRun(string JobId, DateTime CreatedAt, DateTime FinishedAt, IReadOnlyList<ActivityTiming> Activities, IReadOnlyList<CommandTiming> Commands)
{
    public double WallMs => (FinishedAt - CreatedAt).TotalMilliseconds;
    public double P4Ms => Commands.Sum(c => c.DurationMs);
    public double OverheadMs => WallMs - P4Ms;

    /// <summary>The overhead split into parts that add up to it (the residual is what the timestamps do not place).</summary>
    public IReadOnlyList<(string Part, double Ms)> Parts()
    {
        var parts = new List<(string, double)>
        {
            ("start request -> first activity", (Activities[0].StartedAt - CreatedAt).TotalMilliseconds),
            ("between activities (next picked up)", Activities.Zip(Activities.Skip(1)).Sum(p => (p.Second.StartedAt - p.First.CompletedAt).TotalMilliseconds)),
            ("activities without commands", Activities.Where(a => a.Commands.Count == 0).Sum(a => a.DurationMs)),
            ("activity start -> first command (job pickup)", Activities.Sum(a => a.BeforeFirstCommandMs)),
            ("dispatch round trip outside the process", Commands.Sum(c => c.DispatchMs)),
            ("between commands of one activity", Activities.Sum(a => a.BetweenCommandsMs)),
            ("last command -> activity completed", Activities.Sum(a => a.AfterLastCommandMs)),
            ("last activity -> job finished", (FinishedAt - Activities[^1].CompletedAt).TotalMilliseconds),
        };
        parts.Add(("residual (overlaps, clock)", OverheadMs - parts.Sum(p => p.Item2)));
        return parts;
    }

    public static IntegrationRun From(JsonObject job, IReadOnlyList<JsonNode> commandLog)
    {
        var commands = commandLog.Where(c => c["event"]?.GetValue<string>() == "command_completed")
            .Select(c => new CommandTiming(
                c["metadata"]?["command"]?.GetValue<string>() ?? "?",
                c["stage"]?.GetValue<string>() ?? "",
                c["duration_ms"]!.GetValue<double>(),
                c["metadata"]?["round_trip_ms"]?.GetValue<double>() ?? c["duration_ms"]!.GetValue<double>(),
                Utc(c["timestamp"]!)))
            .OrderBy(c => c.EndedAt).ToList();
        var records = job["activities"]!.AsArray().Select(a => a!)
            .Where(a => a["completedAt"] is not null)
            .OrderBy(a => a["sequence"]!.GetValue<int>()).ToList();
        var activities = records.Select(a =>
        {
            var started = Utc(a["startedAt"]!);
            var completed = Utc(a["completedAt"]!);
            // A command belongs to the activity whose span holds its answer.
            var own = commands.Where(c => c.EndedAt >= started && c.EndedAt <= completed).ToList();
            return new ActivityTiming(a["activityId"]!.GetValue<string>(), a["activityType"]!.GetValue<string>(), started, completed, own);
        }).ToList();
        return new IntegrationRun(job["id"]!.GetValue<string>(), Utc(job["createdAt"]!), Utc(job["finishedAt"]!), activities, commands);
    }

    // The store and the log write UTC, not always with its Z.
    private static DateTime Utc(JsonNode node) =>
        DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;
}
