namespace P4Flow.Workflows.Stores.Ef;

// Rows keep the columns that are filtered or sorted on; the rest of each object is one JSON column.

internal sealed class DefinitionRow
{
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public DateTime CreatedAt { get; set; }
    public string Json { get; set; } = "";
}

internal sealed class InstanceRow
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string Status { get; set; } = "";
    public string? CurrentStage { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public int Revision { get; set; }
    public string Json { get; set; } = "";
}

internal sealed class ExecutionRow
{
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public int Sequence { get; set; }
    public string ActivityId { get; set; } = "";
    public string Status { get; set; } = "";
    public string Json { get; set; } = "";
}

internal sealed class BookmarkRow
{
    public string Id { get; set; } = "";
    public string Hash { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Json { get; set; } = "";
}

internal sealed class OutboxRow
{
    public string Id { get; set; } = "";
    public string Topic { get; set; } = "";
    public string Channel { get; set; } = "";
    public string? JobId { get; set; }
    public string Status { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string Json { get; set; } = "";
}
