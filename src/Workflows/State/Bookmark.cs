using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace P4Flow.Workflows.State;

[JsonConverter(typeof(JsonStringEnumConverter<BookmarkDispatch>))]
public enum BookmarkDispatch
{
    /// <summary>Resumed from outside (an API call, a watcher).</summary>
    External,
    /// <summary>Resumed by the background job that runs the activity's work.</summary>
    Job,
    /// <summary>Resumed by a scheduled background job at <see cref="Bookmark.ResumeAt"/>.</summary>
    Timer,
}

/// <summary>A suspended activity waiting for a stimulus; found by the hash of instance and name.</summary>
public sealed class Bookmark
{
    public string Id { get; set; } = "";
    public string Hash { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string Name { get; set; } = "";
    public string ExecutionId { get; set; } = "";
    public BookmarkDispatch Dispatch { get; set; }
    public DateTime? ResumeAt { get; set; }
    /// <summary>What the stimulus needs, e.g. a job's evaluated inputs.</summary>
    public JsonObject? Payload { get; set; }
    public DateTime CreatedAt { get; set; }

    public static string ComputeHash(string instanceId, string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId + "\n" + name)));
}
