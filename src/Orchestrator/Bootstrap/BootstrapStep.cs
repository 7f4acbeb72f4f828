using System.Text.Json.Serialization;

namespace P4Flow.Orchestrator.Bootstrap;

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus { Running, Succeeded, Warning, Failed }

/// <summary>One step's progress, as the API, the CLI and the Studio show it.</summary>
public sealed record BootstrapStepEvent(string Step, StepStatus Status, string? Message, long DurationMs, DateTimeOffset At);

/// <summary>What a bootstrap (or a restart, a removal) came to.</summary>
public sealed record BootstrapOutcome(bool Succeeded, string AgentName, string? AgentId, string? FailedStep, string? Error, long DurationMs, IReadOnlyList<BootstrapStepEvent> Steps);

/// <summary>The names of the steps, in the order they run.</summary>
public static class BootstrapSteps
{
    public const string Connect = "connect";
    public const string Platform = "check-platform";
    public const string AgentUser = "prepare-agent-user";
    public const string Upload = "upload-agent";
    public const string Certificates = "deliver-certificates";
    public const string Configure = "write-config";
    public const string Whitelist = "whitelist";
    public const string Install = "install";
    public const string Start = "start";
    public const string WaitConnected = "wait-connected";
    public const string Stop = "stop";
    public const string RemoveFiles = "remove-files";
    public const string Package = "package-agent";
}

/// <summary>A step that failed: its name and why.</summary>
public sealed class BootstrapFailedException(string step, string message, Exception? inner = null) : Exception($"step {step} failed: {message}", inner)
{
    public string Step { get; } = step;
    public string Reason { get; } = message;
}
