namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Writes a file only its owner may read, created with mode 0600 (never readable by others, not even for a moment)
/// and moved into place whole, so a reader never sees half of it.
/// </summary>
internal static class SecretFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.Delete(temp); // a leftover temp file would keep its old mode
        using (var stream = new FileStream(temp, options)) stream.Write(content);
        File.Move(temp, path, overwrite);
    }

    public static void Write(string path, string content, bool overwrite = true) => Write(path, System.Text.Encoding.UTF8.GetBytes(content), overwrite);
}
