using System.Runtime.InteropServices;

namespace P4Flow.Agent.Execution;

/// <summary>The two system calls .NET does not offer: signalling a process group, and giving a folder to another user.</summary>
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int owner, int group);
}
