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

    /// <summary>Integrations of this file still to resolve; p4 settles them all at once, so an edit is offered for one only.</summary>
    public int Pending { get; init; } = 1;

    /// <summary>
    /// A person's edit p4 took as resolved whose text never reached the workspace (the write failed, or the orchestrator
    /// stopped in between): the file holds p4's merge with its markers until it is settled again.
    /// </summary>
    public bool Unwritten { get; init; }

    /// <summary>
    /// A text merge a person can edit on the page: a content resolve of one integration, of a type whose text the page
    /// shows and writes back as it is (text, utf8, unicode); anything else is settled by taking one side whole.
    /// </summary>
    public bool Editable => Reason == Content && Pending == 1 && IsText(Type);

    /// <summary>The Perforce types written as UTF-8 text (the base type, before any +modifiers).</summary>
    public static bool IsText(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Split('+')[0] is "text" or "utf8" or "unicode" or "ktext" or "xtext";
    }

    /// <summary>Types p4 never merges: binary, and the Mac's resource forks.</summary>
    public static bool IsBinary(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var baseType = type.Split('+')[0];
        return baseType.EndsWith("binary", StringComparison.Ordinal) || baseType is "apple" or "resource";
    }

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
