using System.Globalization;

namespace P4Flow.Agent.State;

/// <summary>
/// One agent process per state folder: the result cache and the nonce store are what "never run a command twice"
/// rests on, and two processes writing them would break it. Held as an exclusive lock (flock, released by the kernel
/// however the process ends) on {state_dir}/agent.lock for the process's life.
/// </summary>
internal sealed class StateFolderLock : IDisposable
{
    /// <summary>The exit code of an agent that found its state folder held by another process.</summary>
    public const int ExitCode = 3;

    private readonly FileStream _lock;

    private StateFolderLock(FileStream held) => _lock = held;

    /// <exception cref="StateFolderTakenException">Another live process holds the folder.</exception>
    public static StateFolderLock Acquire(string stateDir)
    {
        var dir = Path.GetFullPath(stateDir);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "agent.lock");
        var pidFile = Path.Combine(dir, "agent.pid");
        FileStream held;
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix: refused at once while another process holds it.
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "unknown";
            throw new StateFolderTakenException(
                $"its state folder {dir} is held by another agent process (pid {holder}). One process per state folder and agent identity: stop the other one, or give this one its own agent.state_dir and identity.");
        }
        File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new StateFolderLock(held);
    }

    public void Dispose() => _lock.Dispose();
}

internal sealed class StateFolderTakenException(string message) : Exception(message);
