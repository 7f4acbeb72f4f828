using System.Security.Cryptography;
using System.Text.Json;

namespace P4Flow.P4Sim.Depot;

/// <summary>
/// The depot on disk: depot.json holds the metadata, blobs/ holds file contents by SHA-256.
/// Every write goes to a temporary file first and is renamed into place, so a killed p4 never
/// leaves a half-written depot; depot.lock serialises concurrent p4 processes.
/// </summary>
internal sealed class DepotStore(string root)
{
    public string Root { get; } = root;

    private string MetadataPath => Path.Combine(Root, "depot.json");

    private string BlobDirectory => Path.Combine(Root, "blobs");

    /// <summary>Takes the depot lock, waiting for other p4 processes to finish.</summary>
    public IDisposable Lock(CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(Root, "depot.lock");
        while (true)
        {
            try
            {
                return Open(lockPath, FileAccess.ReadWrite);
            }
            catch (UnauthorizedAccessException)
            {
                // The lock file is another user's (the developer's p4 beside an agent's, which runs as nobody): the lock
                // is the flock, not the write, so a read-only handle takes it as well.
                try
                {
                    return Open(lockPath, FileAccess.Read);
                }
                catch (IOException)
                {
                    cancellationToken.WaitHandle.WaitOne(15);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (IOException)
            {
                // Another p4 holds the lock; commands are short, so poll until it is released.
                cancellationToken.WaitHandle.WaitOne(15);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private static FileStream Open(string path, FileAccess access) =>
        new(path, FileMode.OpenOrCreate, access, FileShare.None, 1, FileOptions.DeleteOnClose);

    public DepotState Load()
    {
        if (!System.IO.File.Exists(MetadataPath))
        {
            return new DepotState();
        }

        using var stream = System.IO.File.OpenRead(MetadataPath);
        return JsonSerializer.Deserialize(stream, DepotJsonContext.Default.DepotState) ?? new DepotState();
    }

    public void Save(DepotState state)
    {
        var injected = state.Opened.FindAll(o => o.Injected);
        state.Opened.RemoveAll(o => o.Injected);
        try
        {
            WriteAtomically(MetadataPath, JsonSerializer.SerializeToUtf8Bytes(state, DepotJsonContext.Default.DepotState));
        }
        finally
        {
            state.Opened.AddRange(injected);
        }
    }

    public string PutBlob(byte[] content)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = Path.Combine(BlobDirectory, id);
        if (!System.IO.File.Exists(path))
        {
            Directory.CreateDirectory(BlobDirectory);
            WriteAtomically(path, content);
        }

        return id;
    }

    public byte[] GetBlob(string id) => System.IO.File.ReadAllBytes(Path.Combine(BlobDirectory, id));

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        System.IO.File.WriteAllBytes(temporary, content);
        System.IO.File.Move(temporary, path, overwrite: true);
    }
}
