namespace P4Flow.Activities.Perforce.Parsers;

// Structured results of the p4 commands the pipeline drives; the same whether read from tagged JSON or text.

public sealed record P4File(string Path, string? Action = null, string? Rev = null, string? FromFile = null);

/// <summary>A file that still needs a person: <see cref="Reason"/> is conflict (text merge) or binary (no 3-way merge).</summary>
public sealed record P4Conflict(string File, string? FromFile, string Reason)
{
    public const string TextConflict = "conflict";
    public const string Binary = "binary";
}

public sealed record SyncResult(IReadOnlyList<P4File> Files, bool UpToDate);

public sealed record IntegrateResult(
    IReadOnlyList<P4File> Files,
    bool AlreadyIntegrated,
    IReadOnlyList<string> ExclusiveBlocked,
    IReadOnlyList<string> MustSync,
    bool NoTargets);

public sealed record ResolveResult(
    IReadOnlyList<P4File> Resolved,
    IReadOnlyList<P4Conflict> Skipped,
    IReadOnlyList<P4Conflict> WithMarkers,
    bool NothingToResolve);

public sealed record ResolvePreview(IReadOnlyList<P4Conflict> Pending)
{
    public bool Clean => Pending.Count == 0;
}

public sealed record ShelveResult(int? Change, IReadOnlyList<P4File> Files);

public sealed record SubmitResult(int? SubmittedChange, IReadOnlyList<P4File> Files);

public sealed record OpenedResult(IReadOnlyList<P4File> Files);

public sealed record ChangeResult(int? Change, bool Created);

public sealed record FstatResult(IReadOnlyList<IReadOnlyDictionary<string, string>> Files)
{
    /// <summary>Files with a pending resolve: fstat gives them a bare `unresolved` key.</summary>
    public IEnumerable<string> Unresolved => Files.Where(f => f.ContainsKey("unresolved")).Select(f => f.GetValueOrDefault("depotFile") ?? f.GetValueOrDefault("clientFile") ?? "");
}

/// <param name="User">Who made the change (its owner), when the output names them.</param>
/// <param name="Description">The description as `changes` gives it (the first 31 characters without -l).</param>
public sealed record P4Change(int Number, string Status, string Client, bool Shelved, string? User = null, string? Description = null);

public sealed record ChangesResult(IReadOnlyList<P4Change> Changes);
