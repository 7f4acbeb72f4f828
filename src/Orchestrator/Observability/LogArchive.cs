using System.IO.Compression;
using System.Threading.Channels;
using Serilog.Sinks.File;

namespace P4Flow.Orchestrator.Observability;

/// <summary>
/// Where rolled log files go instead of being deleted (seed 6.4): when the file sink drops a file past
/// monitoring.log_max_files, this hook first moves it into monitoring.log_archive_dir (a rename on the same disk, so the
/// sink is held up for no more than that, and every line it wrote is in the moved file), then a background worker
/// gzips it and removes the oldest archives past log_archive_max_files or log_archive_max_days. A file moved but not
/// yet compressed when the process stopped is compressed at the next start.
/// </summary>
public sealed class LogArchive : FileLifecycleHooks, IDisposable
{
    private const string Compressed = ".gz";
    private readonly Channel<string> _moved = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _clock;
    private readonly Task _worker;

    private readonly string _name, _extension;

    /// <param name="logFile">The live log (logs/p4flow.jsonl): its archives are p4flow.{when}.jsonl.gz.</param>
    /// <param name="folder">The archive folder (created when missing).</param>
    /// <param name="maxFiles">Archives kept for this log, newest first.</param>
    /// <param name="maxAge">Archives older than this are removed.</param>
    public LogArchive(string logFile, string folder, int maxFiles, TimeSpan maxAge, TimeProvider clock)
    {
        _name = Path.GetFileNameWithoutExtension(logFile);
        _extension = Path.GetExtension(logFile);
        Folder = Path.GetFullPath(folder);
        MaxFiles = maxFiles;
        MaxAge = maxAge;
        _clock = clock;
        Directory.CreateDirectory(Folder);
        foreach (var left in Directory.EnumerateFiles(Folder, _name + ".*" + _extension)) Queue(left);
        _worker = Task.Run(CompressAsync);
    }

    public string Folder { get; }
    public int MaxFiles { get; }
    public TimeSpan MaxAge { get; }

    /// <summary>Files compressed so far (for tests and the log).</summary>
    public int Archived => Volatile.Read(ref _archived);

    private int _archived;

    /// <summary>Called by the file sink, under its lock, just before it would delete <paramref name="path"/>.</summary>
    public override void OnFileDeleting(string path)
    {
        // The time it left the live set keeps names unique and in order; the sink's own _001 numbers start again.
        var target = Path.Combine(Folder, $"{_name}.{_clock.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..6]}{_extension}");
        try
        {
            File.Move(path, target);
            Queue(target);
        }
        catch (IOException ex)
        {
            // Across disks a rename is a copy: keep the file where it is rather than lose it to the delete that follows.
            Serilog.Debugging.SelfLog.WriteLine("log archive: could not move {0} to {1}: {2}", path, target, ex.Message);
            try
            {
                File.Copy(path, target, overwrite: false);
                Queue(target);
            }
            catch (Exception copy) when (copy is IOException or UnauthorizedAccessException)
            {
                Serilog.Debugging.SelfLog.WriteLine("log archive: could not copy {0} either, it is lost: {1}", path, copy.Message);
            }
        }
    }

    /// <summary>Waits until every file moved so far is compressed (bounded), then stops the worker.</summary>
    public void Dispose()
    {
        _moved.Writer.TryComplete();
        _worker.Wait(TimeSpan.FromSeconds(60));
    }

    private async Task CompressAsync()
    {
        await foreach (var file in _moved.Reader.ReadAllAsync().ConfigureAwait(false)) Compress(file);
    }

    /// <summary>A moved file goes to the worker; once it has stopped (the host is shutting down and still logs), here and now.</summary>
    private void Queue(string file)
    {
        if (!_moved.Writer.TryWrite(file)) Compress(file);
    }

    private void Compress(string file)
    {
        try
        {
            var temp = file + Compressed + ".tmp";
            using (var source = File.OpenRead(file))
            using (var target = File.Create(temp))
            using (var gzip = new GZipStream(target, CompressionLevel.Optimal))
                source.CopyTo(gzip);
            File.Move(temp, file + Compressed, overwrite: true);
            File.Delete(file);
            Interlocked.Increment(ref _archived);
            Prune();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left uncompressed in the archive: nothing is lost, and the next start tries again.
            Serilog.Debugging.SelfLog.WriteLine("log archive: could not compress {0}: {1}", file, ex.Message);
        }
    }

    /// <summary>Removes this log's archives past the count or the age.</summary>
    private void Prune()
    {
        var archives = new DirectoryInfo(Folder).EnumerateFiles(_name + ".*" + _extension + Compressed)
            .OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var oldest = _clock.GetUtcNow().UtcDateTime - MaxAge;
        foreach (var (file, index) in archives.Select((f, i) => (f, i)))
        {
            if (index < MaxFiles && file.LastWriteTimeUtc >= oldest) continue;
            try
            {
                file.Delete();
            }
            catch (IOException)
            {
                // Tried again after the next roll.
            }
        }
    }
}

/// <summary>One <see cref="LogArchive"/> per log file (the event log, the command log), disposed with the host.</summary>
public sealed class LogArchives(Configuration.MonitoringOptions options, TimeProvider clock) : IDisposable
{
    private readonly Dictionary<string, LogArchive> _archives = new(StringComparer.Ordinal);

    public LogArchive For(string logFile)
    {
        lock (_archives)
        {
            if (!_archives.TryGetValue(logFile, out var archive))
                _archives[logFile] = archive = new LogArchive(logFile, options.LogArchiveDir, options.LogArchiveMaxFiles, TimeSpan.FromDays(options.LogArchiveMaxDays), clock);
            return archive;
        }
    }

    public void Dispose()
    {
        lock (_archives)
        {
            foreach (var archive in _archives.Values) archive.Dispose();
            _archives.Clear();
        }
    }
}
