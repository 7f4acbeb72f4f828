namespace P4Flow.P4Sim.Commands;

/// <summary>
/// Files in the workspace. As with a real client (noallwrite), synced files are read-only and
/// files opened for edit are writable, which is what "Can't clobber writable file" checks.
/// </summary>
internal static class LocalFiles
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Only CommandContext.WriteWorkspaceFile calls this, so workspace writes are counted.</summary>
    /// <exception cref="ClientFileException">The client's disk refused the write (full, over quota, read-only).</exception>
    public static void Write(string path, byte[] content, bool writable)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                SetWritable(path, true);
            }

            File.WriteAllBytes(path, content);
            SetWritable(path, writable);
        }
        catch (IOException ex) when (ClientFileException.Describe(ex) is { } reason)
        {
            throw new ClientFileException("write", path, reason, ex);
        }
    }

    public static byte[]? Read(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;

    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            SetWritable(path, true);
            File.Delete(path);
        }
    }

    public static bool IsWritable(string path) =>
        File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) != 0;

    public static void SetWritable(string path, bool writable)
    {
        if (File.Exists(path) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, writable ? ReadOnly | UnixFileMode.UserWrite : ReadOnly);
        }
    }
}
