using Microsoft.Extensions.Options;
using P4Flow.Cluster;

namespace P4Flow.Orchestrator.Security;

/// <summary>Where the credentials document is kept: <see cref="CredentialFile"/> or <see cref="SharedCredentials"/>.</summary>
public interface ICredentialDocument
{
    /// <summary>For messages: the file's path, or which database.</summary>
    string Location { get; }

    /// <summary>How long a document read may be used before it is read again.</summary>
    TimeSpan KeepFor { get; }

    /// <summary>The document's JSON (null when there is none yet) and its revision, to name when saving a change to it.</summary>
    (string? Json, int Revision) Load();

    /// <returns>False when the document moved past <paramref name="revision"/> meanwhile: load again and redo the change.</returns>
    bool TrySave(string json, int revision);
}

/// <summary>One orchestrator's credentials in an owner-only file (auth.credentials_file), written atomically; only it writes the file.</summary>
internal sealed class CredentialFile(IOptions<AuthOptions> options) : ICredentialDocument
{
    private string FilePath => Path.GetFullPath(options.Value.CredentialsFile);

    public string Location => FilePath;

    public TimeSpan KeepFor => TimeSpan.MaxValue;

    public (string? Json, int Revision) Load() => (File.Exists(FilePath) ? File.ReadAllText(FilePath) : null, 0);

    public bool TrySave(string json, int revision)
    {
        SecretFile.Write(FilePath, json);
        return true;
    }
}

/// <summary>
/// The credentials in the state database on PostgreSQL, shared by every orchestrator on it: a key made or revoked on
/// one is known to the others within <see cref="KeepFor"/>.
/// </summary>
internal sealed class SharedCredentials(SharedDocuments documents) : ICredentialDocument
{
    private const string Name = "credentials";

    public string Location => "the state database (shared_documents)";

    public TimeSpan KeepFor => TimeSpan.FromSeconds(5);

    public (string? Json, int Revision) Load()
    {
        var document = documents.Read(Name);
        return (document.Json, document.Revision);
    }

    public bool TrySave(string json, int revision) => documents.TryWrite(Name, json, revision);
}
