namespace P4Flow.P4Sim.Depot;

/// <summary>Everything the simulated server knows; serialised whole to depot.json.</summary>
internal sealed class DepotState
{
    public int LastChange { get; set; }

    public Dictionary<string, ClientSpec> Clients { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, BranchSpec> Branches { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<int, ChangeRecord> Changes { get; set; } = [];

    public SortedDictionary<string, DepotFile> Files { get; set; } = new(StringComparer.Ordinal);

    public List<OpenedFile> Opened { get; set; } = [];

    /// <summary>Client name to (depot path to have revision).</summary>
    public Dictionary<string, SortedDictionary<string, int>> Have { get; set; } = new(StringComparer.Ordinal);

    public List<IntegrationRecord> Integrations { get; set; } = [];

    public SortedDictionary<int, List<ShelvedFile>> Shelves { get; set; } = [];

    /// <summary>What p4 commands wrote into workspaces, summed since the depot was made.</summary>
    public WorkspaceWrites WorkspaceWrites { get; set; } = new();

    /// <summary>User specs; a user without one (every user of an older depot) has no password.</summary>
    public SortedDictionary<string, UserRecord> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tickets issued by p4 login and not yet logged out; expired ones stay until replaced.</summary>
    public List<IssuedTicket> Tickets { get; set; } = [];

    /// <summary>p4 configure settings by name ("security"); absent means the server default.</summary>
    public SortedDictionary<string, string> Configurables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>p4 counter values; the "change" counter is LastChange, not stored here.</summary>
    public SortedDictionary<string, string> Counters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The fingerprint of the server's SSL key, made the first time the depot is reached over ssl:.</summary>
    public string? SslFingerprint { get; set; }

    /// <summary>The security configurable: 0 (the default) to 6.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int SecurityLevel =>
        int.TryParse(Configurables.GetValueOrDefault("security"), System.Globalization.CultureInfo.InvariantCulture, out var level) ? level : 0;

    public DepotFile? File(string depotPath) => Files.GetValueOrDefault(depotPath);

    public SortedDictionary<string, int> HaveOf(string client)
    {
        if (!Have.TryGetValue(client, out var have))
        {
            have = new SortedDictionary<string, int>(StringComparer.Ordinal);
            Have[client] = have;
        }

        return have;
    }

    public int HaveRev(string client, string depotPath) =>
        Have.TryGetValue(client, out var have) ? have.GetValueOrDefault(depotPath) : 0;

    public OpenedFile? OpenedBy(string client, string depotPath) =>
        Opened.Find(o => o.Client == client && o.DepotPath == depotPath);

    public IEnumerable<OpenedFile> OpenedElsewhere(string client, string depotPath) =>
        Opened.Where(o => o.DepotPath == depotPath && o.Client != client);

    /// <summary>True when another client has the file open and its type (+l) allows only one open.</summary>
    public bool ExclusivelyOpenedElsewhere(string client, string depotPath)
    {
        var others = OpenedElsewhere(client, depotPath).ToList();
        var headType = File(depotPath)?.Head.Type ?? "";
        return others.Count > 0 && (FileTypes.IsExclusive(headType) || others.Exists(o => FileTypes.IsExclusive(o.Type)));
    }
}

/// <summary>
/// A debug counter: files and bytes written into client workspaces (sync, integrate, resolve,
/// revert). It is what a virtual integrate (integrate -v) saves, so benchmarks read it here.
/// </summary>
internal sealed class WorkspaceWrites
{
    public long Files { get; set; }

    public long Bytes { get; set; }
}

internal sealed class ClientSpec
{
    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    public string Host { get; set; } = "";

    public string Description { get; set; } = "";

    public string Root { get; set; } = "";

    public string Options { get; set; } = "noallwrite noclobber nocompress unlocked nomodtime normdir";

    public string SubmitOptions { get; set; } = "submitunchanged";

    public string LineEnd { get; set; } = "local";

    public List<string> View { get; set; } = [];

    public long Update { get; set; }

    public long Access { get; set; }
}

internal sealed class BranchSpec
{
    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    public string Description { get; set; } = "";

    public string Options { get; set; } = "unlocked";

    public List<string> View { get; set; } = [];

    public long Update { get; set; }

    public long Access { get; set; }
}

internal sealed class ChangeRecord
{
    public int Number { get; set; }

    public string Client { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary>"pending" or "submitted".</summary>
    public string Status { get; set; } = "pending";

    public string Description { get; set; } = "";

    public long Time { get; set; }

    public bool IsPending => Status == "pending";
}

internal sealed class DepotFile
{
    public string Path { get; set; } = "";

    public List<Revision> Revisions { get; set; } = [];

    public Revision Head => Revisions[^1];

    public int HeadRev => Revisions.Count;

    public Revision? At(int rev) => rev >= 1 && rev <= Revisions.Count ? Revisions[rev - 1] : null;
}

internal sealed class Revision
{
    public int Rev { get; set; }

    /// <summary>add, edit, delete, branch or integrate.</summary>
    public string Action { get; set; } = "add";

    public int Change { get; set; }

    public string Type { get; set; } = "text";

    /// <summary>Content blob; null for a deleted revision.</summary>
    public string? Blob { get; set; }

    public long Size { get; set; }

    public long Time { get; set; }

    public bool IsDeleted => Action == "delete";
}

internal sealed class OpenedFile
{
    public string DepotPath { get; set; } = "";

    public string Client { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary>add, edit, delete, branch or integrate.</summary>
    public string Action { get; set; } = "edit";

    /// <summary>0 is the default changelist.</summary>
    public int Change { get; set; }

    public string Type { get; set; } = "text";

    /// <summary>The revision the open was based on (workRev); 0 for a new file.</summary>
    public int WorkRev { get; set; }

    public bool Locked { get; set; }

    /// <summary>Opened by integrate -v: the workspace was not given the file, so submit leaves the have list alone.</summary>
    public bool Virtual { get; set; }

    /// <summary>For branch opens: the content to submit, taken from the source.</summary>
    public string? BranchBlob { get; set; }

    public List<PendingResolve> Unresolved { get; set; } = [];

    public List<DoneResolve> Resolved { get; set; } = [];

    /// <summary>Set for opens injected by a fault; never saved.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Injected { get; set; }
}

/// <summary>A scheduled resolve: source revisions (StartFromRev, EndFromRev] against Base.</summary>
internal sealed class PendingResolve
{
    public string FromFile { get; set; } = "";

    public int StartFromRev { get; set; }

    public int EndFromRev { get; set; }

    public string BaseFile { get; set; } = "";

    /// <summary>0 when there is no merge base.</summary>
    public int BaseRev { get; set; }

    /// <summary>The shelved change whose file is "theirs" (unshelve over an open edit); 0 for a depot source.</summary>
    public int ShelfChange { get; set; }

    /// <summary>For a shelf resolve: the shelved content, kept here so deleting the shelf does not lose it.</summary>
    public string? ShelfBlob { get; set; }
}

internal sealed class DoneResolve
{
    public string FromFile { get; set; } = "";

    public int StartFromRev { get; set; }

    public int EndFromRev { get; set; }

    /// <summary>The merge base the resolve used; empty for branch and delete records.</summary>
    public string BaseFile { get; set; } = "";

    /// <summary>0 when there was no merge base (branch and delete records, baseless merges).</summary>
    public int BaseRev { get; set; }

    /// <summary>"copy from", "merge from", "edit from", "ignored", "branch from", "delete from".</summary>
    public string How { get; set; } = "";

    /// <summary>Non-zero for a resolve against a shelved file: not an integration, so submit records no history for it.</summary>
    public int ShelfChange { get; set; }
}

/// <summary>Submitted integration history: which source revisions reached which target revision.</summary>
internal sealed class IntegrationRecord
{
    public string ToFile { get; set; } = "";

    public int ToRev { get; set; }

    public string FromFile { get; set; } = "";

    public int StartFromRev { get; set; }

    public int EndFromRev { get; set; }

    public string How { get; set; } = "";
}

internal sealed class ShelvedFile
{
    public string DepotPath { get; set; } = "";

    public string Action { get; set; } = "edit";

    public string Type { get; set; } = "text";

    public int WorkRev { get; set; }

    public string? Blob { get; set; }

    public List<DoneResolve> Resolved { get; set; } = [];
}

internal sealed class UserRecord
{
    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public string FullName { get; set; } = "";

    /// <summary>The JobView line of the user spec; null when the form had none.</summary>
    public string? JobView { get; set; }

    /// <summary>The Reviews lines of the user spec (depot paths the user subscribes to).</summary>
    public List<string> Reviews { get; set; } = [];

    public long Update { get; set; }

    public long Access { get; set; }

    /// <summary>Salted PBKDF2-SHA256 (see PasswordHash); null when the user has no password.</summary>
    public string? PasswordHash { get; set; }
}

/// <summary>A ticket the server issued: valid for Host only (empty with login -a) until Expires (unix seconds).</summary>
internal sealed class IssuedTicket
{
    public string User { get; set; } = "";

    public string Value { get; set; } = "";

    public string Host { get; set; } = "";

    public long Expires { get; set; }
}
