using System.Runtime.InteropServices;

namespace P4Flow.Agent.Execution;

/// <summary>The system calls .NET does not offer: signalling a process group, giving a folder to another user, and who owns a file.</summary>
internal static partial class LibC
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends the signal to every process of the group; false when none is left.</summary>
    public static bool SignalGroup(int processGroup, int signal) => processGroup > 1 && kill(-processGroup, signal) == 0;

    /// <summary>
    /// lchown: never follows a symlink. The job's user owns the job folder and could swap a child for a link to
    /// /etc; a root agent must then change only the link, not what it points at.
    /// </summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (lchown(path, uid, gid) != 0)
            throw new IOException($"could not give {path} to uid {uid}: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The owner's uid of <paramref name="path"/> itself (a link is not followed), or null when it cannot be read.</summary>
    public static unsafe uint? OwnerOf(string path)
    {
        // struct statx has one layout on every architecture; stx_uid is the u32 at offset 20.
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, StatxUid = 0x8;
        var buffer = stackalloc byte[256];
        return statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0 ? *(uint*)(buffer + 20) : null;
    }

    /// <summary>This process's effective uid.</summary>
    public static uint EffectiveUid => geteuid();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint geteuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int owner, int group);
}
