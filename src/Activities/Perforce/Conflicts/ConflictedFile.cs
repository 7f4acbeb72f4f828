namespace P4Flow.Activities.Perforce.Conflicts;

/// <summary>
/// One file of a parked job that still needs a person, as they read it: the target in the depot and the revision the
/// workspace holds ("yours"), the source revision being integrated ("theirs"), the merge base, why p4 could not settle
/// it, and the source change that brought it.
/// </summary>
/// <param name="ClientFile">Where the file is in the job's workspace on its agent (what p4 resolve is given).</param>
/// <param name="Reason">content (a text merge with conflicting chunks), binary (no merge: one side or the other), or the
/// non-content resolve p4 scheduled (branch, delete, filetype, move).</param>
/// <param name="Type">The target's Perforce file type (text, binary, ...).</param>
public sealed record ConflictedFile(
    string DepotFile,
    string ClientFile,
    int? YoursRev,
    string FromFile,
    int TheirsRev,
    string? BaseFile,
    int? BaseRev,
    string Reason,
    string Type,
    SourceChange? Change)
{
    public const string Content = "content";
    public const string Binary = "binary";

    /// <summary>A text merge a person can edit; anything else is settled by taking one side whole.</summary>
    public bool Editable => Reason == Content;

    public string Theirs => $"{FromFile}#{TheirsRev}";

    public string? Yours => YoursRev is { } rev ? $"{DepotFile}#{rev}" : null;

    public string? Base => BaseFile is not null && BaseRev is { } rev ? $"{BaseFile}#{rev}" : null;
}

/// <summary>The submitted change that made the source revision: who to ask about it.</summary>
public sealed record SourceChange(int Number, string? User, string? Description);

/// <summary>How a person settles one file.</summary>
public enum SettleChoice
{
    /// <summary>The source's version (p4 resolve -at).</summary>
    Theirs,

    /// <summary>The target's version as it is (p4 resolve -ay).</summary>
    Yours,

    /// <summary>A merged text the person edited (p4 resolve -af, then the text written into the workspace).</summary>
    Edit,
}
