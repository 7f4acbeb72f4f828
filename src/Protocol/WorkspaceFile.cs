using System.Runtime.InteropServices;
using System.Text;

namespace P4Flow.Protocol;

/// <summary>How a <see cref="BuiltInCommands.WriteFile"/> command ended.</summary>
public enum WorkspaceFileOutcome
{
    /// <summary>The content is in the file and on disk (exit code 0).</summary>
    Written,

    /// <summary>The command or its path broke a rule; nothing was opened for writing (exit code -1, a refused command).</summary>
    Refused,

    /// <summary>The system said no (missing file, read-only file, disk full): exit code 1.</summary>
    Failed,
}

/// <summary>A <see cref="BuiltInCommands.WriteFile"/> command's result, as both runners report it.</summary>
public sealed record WorkspaceFileResult(WorkspaceFileOutcome Outcome, string Message)
{
    public int ExitCode => Outcome switch
    {
        WorkspaceFileOutcome.Written => 0,
        WorkspaceFileOutcome.Refused => -1,
        _ => 1,
    };

    public bool Refused => Outcome == WorkspaceFileOutcome.Refused;

    public string Stdout => Outcome == WorkspaceFileOutcome.Written ? Message + "\n" : "";

    public string Stderr => Outcome == WorkspaceFileOutcome.Written ? "" : Message;
}

/// <summary>
/// Carries out <see cref="BuiltInCommands.WriteFile"/>: replaces the content of an existing regular file inside a
/// job's folder. The agent may run as root while the job's folder belongs to the unprivileged user its commands run
/// as, whose processes can plant links there between any check and the write; so the file is reached from the job's
/// folder one component at a time with openat and O_NOFOLLOW (no symlink is followed, and nothing can be swapped in
/// behind a check), never created, and written only when the opened file itself is a regular file with one link that
/// belongs to the job folder's owner. It is truncated in place, so its owner and mode stay as p4 left them.
/// </summary>
public static partial class WorkspaceFile
{
    private const string Name = BuiltInCommands.WriteFile;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Runs <paramref name="args"/> (<c>[WriteFile, path]</c>) with <paramref name="stdin"/> as the content, in
    /// <paramref name="jobFolder"/> (an absolute path the runner made, trusted). Never throws for a bad command or an
    /// I/O error: the result says what happened.
    /// </summary>
    public static WorkspaceFileResult Run(IReadOnlyList<string> args, string? stdin, string jobFolder)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrEmpty(jobFolder);
        if (args.Count == 0 || !BuiltInCommands.IsBuiltIn(args[0])) throw new ArgumentException($"not a {Name} command", nameof(args));
        if (args.Count != 2)
            return new(WorkspaceFileOutcome.Refused, $"{Name} takes exactly one argument, the file's path (it got {args.Count - 1}); nothing was written");
        var path = args[1];
        if (stdin is null)
            return new(WorkspaceFileOutcome.Refused, $"{Name} {path}: the new content must come as the command's stdin, and it has none; nothing was written");

        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobFolder));
        try
        {
            var (full, parts) = Resolve(folder, path);
            if (!OperatingSystem.IsLinux()) throw new Refusal(full, "writing a file safely needs Linux (openat with O_NOFOLLOW); this host is not");
            byte[] content;
            try
            {
                content = StrictUtf8.GetBytes(stdin);
            }
            catch (EncoderFallbackException)
            {
                throw new Refusal(full, "the content is not valid text (it holds a lone UTF-16 surrogate)");
            }
            WriteInside(folder, parts, full, content);
            return new(WorkspaceFileOutcome.Written, $"wrote {content.Length} bytes to {full}");
        }
        catch (Refusal ex)
        {
            return new(WorkspaceFileOutcome.Refused, $"{Name} {ex.Path}: refused, nothing was written: {ex.Message}");
        }
        catch (IOException ex)
        {
            return new(WorkspaceFileOutcome.Failed, $"{Name}: {ex.Message}");
        }
    }

    /// <summary>The file's absolute path and its components below the job's folder; a path that could leave it is refused.</summary>
    private static (string Full, string[] Parts) Resolve(string folder, string path)
    {
        if (path.Length == 0) throw new Refusal("''", "the path is empty");
        if (path.Contains('\0', StringComparison.Ordinal)) throw new Refusal(path, "the path holds a NUL character");
        if (path.EndsWith('/')) throw new Refusal(path, "the path names a folder, not a file");
        var parts = path.Split('/');
        if (parts.Contains("..", StringComparer.Ordinal)) throw new Refusal(path, "the path has a '..' component; the file must lie inside the job's folder");
        parts = [.. parts.Where(p => p.Length > 0 && p != ".")];
        if (path.StartsWith('/'))
        {
            string[] root = [.. folder.Split('/', StringSplitOptions.RemoveEmptyEntries)];
            if (parts.Length < root.Length || !parts.AsSpan(0, root.Length).SequenceEqual(root))
                throw new Refusal(path, $"the path is outside the job's folder {folder}");
            parts = parts[root.Length..];
        }
        if (parts.Length == 0) throw new Refusal(path, "the path names the job's folder itself, not a file in it");
        return (folder + "/" + string.Join('/', parts), parts);
    }

    private static void WriteInside(string folder, string[] parts, string full, byte[] content)
    {
        var flags = OpenFlags.ForThisMachine(full);
        var dir = openat(AtFdCwd, folder, flags.Directory, 0);
        if (dir < 0) throw WhyNotOpened(AtFdCwd, folder, folder, Marshal.GetLastPInvokeError(), directory: true);
        try
        {
            var owner = StatOpened(dir, folder).Uid;
            var shown = folder;
            foreach (var part in parts[..^1])
            {
                shown += "/" + part;
                var next = openat(dir, part, flags.Directory, 0);
                if (next < 0) throw WhyNotOpened(dir, part, shown, Marshal.GetLastPInvokeError(), directory: true);
                _ = close(dir);
                dir = next;
            }

            // A look before opening, so a fifo or a device planted under the name is never opened at all; the check
            // after opening is the one that counts, since the name can be swapped in between.
            var name = parts[^1];
            if (Stat(dir, name, AtSymlinkNoFollow) is not { } before)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw errno == Enoent
                    ? new IOException($"{full} does not exist; {Name} only replaces the content of a file p4 put there, it creates none")
                    : Failure(full, "cannot be looked at", errno);
            }
            CheckFile(before, full, owner);

            var fd = openat(dir, name, flags.File, 0);
            if (fd < 0) throw WhyNotOpened(dir, name, full, Marshal.GetLastPInvokeError(), directory: false);
            try
            {
                CheckFile(StatOpened(fd, full), full, owner);
                Retry(() => ftruncate(fd, 0), full, "cannot be truncated");
                WriteAll(fd, content, full);
                Retry(() => fsync(fd), full, "cannot be flushed to disk");
            }
            finally
            {
                _ = close(fd);
            }
        }
        finally
        {
            _ = close(dir);
        }
    }

    /// <summary>
    /// Refuses what is not the job's own plain file. A second link could be the name of a file outside the folder (one
    /// of root's, say), and a file of another owner is one the job's user could only have linked, not made.
    /// </summary>
    private static void CheckFile(FileStat stat, string full, uint owner)
    {
        if (stat.Type == SIfLnk) throw new Refusal(full, "it is a symbolic link, which is never followed");
        if (stat.Type != SIfReg) throw new Refusal(full, $"it is not a regular file ({KindOf(stat.Type)})");
        if (stat.Links != 1) throw new Refusal(full, $"it has {stat.Links} hard links; a file with another name could be one outside the job's folder");
        if (stat.Uid != owner) throw new Refusal(full, $"it belongs to uid {stat.Uid}, not to uid {owner} who owns the job's folder");
        // Root would write it anyway; its owner (who ran p4) could not, and p4 leaves files it has not opened read-only.
        if ((stat.Mode & SIWUsr) == 0)
            throw new IOException($"{full} is read-only (mode {Convert.ToString(stat.Mode & 0xFFF, 8)}): p4 has not opened it for edit");
    }

    /// <summary>Why opening <paramref name="name"/> in <paramref name="dir"/> failed: a link or a wrong kind is a refusal, the rest an I/O error.</summary>
    private static Exception WhyNotOpened(int dir, string name, string shown, int errno, bool directory)
    {
        if (errno == Eloop) return new Refusal(shown, "it is a symbolic link, which is never followed");
        if (Stat(dir, name, AtSymlinkNoFollow) is { } stat)
        {
            if (stat.Type == SIfLnk) return new Refusal(shown, "it is a symbolic link, which is never followed");
            if (directory && stat.Type != SIfDir) return new Refusal(shown, $"it is not a folder ({KindOf(stat.Type)})");
            if (!directory && stat.Type != SIfReg) return new Refusal(shown, $"it is not a regular file ({KindOf(stat.Type)})");
        }
        return errno == Enoent ? new IOException($"{shown} does not exist") : Failure(shown, "cannot be opened", errno);
    }

    private static unsafe void WriteAll(int fd, byte[] content, string full)
    {
        fixed (byte* start = content)
        {
            var done = 0;
            while (done < content.Length)
            {
                var written = write(fd, start + done, (nuint)(content.Length - done));
                if (written < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Eintr) continue;
                    throw Failure(full, $"was truncated but not written ({done} of {content.Length} bytes)", errno);
                }
                done += (int)written;
            }
        }
    }

    private static void Retry(Func<int> call, string full, string what)
    {
        while (call() != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw Failure(full, what, errno);
        }
    }

    private static IOException Failure(string path, string what, int errno) => new($"{path} {what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    private static FileStat StatOpened(int fd, string shown) =>
        Stat(fd, "", AtEmptyPath) ?? throw Failure(shown, "cannot be looked at once opened", Marshal.GetLastPInvokeError());

    /// <summary>statx: one struct layout on every architecture, unlike stat; null with errno set when it fails.</summary>
    private static unsafe FileStat? Stat(int dir, string name, int flags)
    {
        const uint Wanted = StatxType | StatxMode | StatxNlink | StatxUid;
        var buffer = stackalloc byte[256];
        if (statx(dir, name, flags, Wanted, buffer) != 0) return null;
        if ((*(uint*)buffer & Wanted) != Wanted) throw new IOException($"statx did not report the type, mode, links and owner of {name}");
        // stx_mask u32 @0, stx_nlink u32 @16, stx_uid u32 @20, stx_mode u16 @28.
        return new FileStat(*(ushort*)(buffer + 28), *(uint*)(buffer + 16), *(uint*)(buffer + 20));
    }

    private static string KindOf(int type) => type switch
    {
        SIfDir => "a folder",
        SIfReg => "a regular file",
        SIfLnk => "a symbolic link",
        0x1000 => "a fifo",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"file type 0x{type:x}",
    };

    private readonly record struct FileStat(int Mode, uint Links, uint Uid)
    {
        public int Type => Mode & 0xF000;
    }

    /// <summary>The open(2) flags this walk uses; O_DIRECTORY and O_NOFOLLOW differ between architectures.</summary>
    private readonly record struct OpenFlags(int Directory, int File)
    {
        private const int ORdOnly = 0, OWrOnly = 1, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;

        public static OpenFlags ForThisMachine(string full)
        {
            (int directory, int noFollow) = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => (0x10000, 0x20000),
                Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 or Architecture.Ppc64le => (0x4000, 0x8000),
                var other => throw new Refusal(full, $"the open flags of {other} are not known here"),
            };
            // No O_TRUNC: opening with it would empty whatever the name stands for before fstat could refuse it; the
            // file is truncated only after the checks. O_NONBLOCK: a fifo swapped in does not hang the open.
            return new(ORdOnly | directory | noFollow | OCloExec, OWrOnly | noFollow | OCloExec | ONoCtty | ONonBlock);
        }
    }

    private sealed class Refusal(string path, string reason) : Exception(reason)
    {
        public string Path { get; } = path;
    }

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4, StatxUid = 0x8;
    private const int SIfDir = 0x4000, SIfReg = 0x8000, SIfLnk = 0xA000, SIWUsr = 0x80;
    private const int Enoent = 2, Eintr = 4, Eloop = 40;

    // openat is variadic; the mode is passed (as 0) and ignored, since O_CREAT is never given.
    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(int dirfd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int ftruncate(int fd, nint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
