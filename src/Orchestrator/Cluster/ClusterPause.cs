using System.Text.Json;
using P4Flow.Cluster;
using P4Flow.Orchestrator.Operations;
using P4Flow.Studio.Services;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// The operator's pause holds for the whole cluster: a pause or resume made on one node is written to the shared
/// document "operator-pause", and every node reads it every two seconds and takes it (<see cref="OperatorPause.Apply"/>).
/// At a start the document, when there is one, wins over the node's own file.
/// </summary>
internal sealed partial class ClusterPause(OperatorPause pause, SharedDocuments documents, ILogger<ClusterPause> logger) : BackgroundService
{
    public const string Document = "operator-pause";
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A change made here and not yet written wins over the document: the operator's word is not undone by a failed write.
        PauseInfo? unwritten = null;
        var applying = false;
        var known = false;
        void OnChanged(object? sender, EventArgs e)
        {
            // Also raised when the number of held commands moves: only a pause or a resume is written.
            var now = pause.Current;
            if (Volatile.Read(ref applying) || now.Paused == Volatile.Read(ref known)) return;
            Volatile.Write(ref known, now.Paused);
            Volatile.Write(ref unwritten, now);
            if (Write(now)) Interlocked.CompareExchange(ref unwritten, null, now);
        }
        if (Read() is { } shared) pause.Apply(shared);
        else Write(pause.Current);
        known = pause.Current.Paused;
        pause.Changed += OnChanged;
        try
        {
            using var timer = new PeriodicTimer(Every);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Volatile.Read(ref unwritten) is { } mine)
                {
                    if (Write(mine)) Interlocked.CompareExchange(ref unwritten, null, mine);
                    continue;
                }
                if (Read() is not { } other || other.Paused == pause.Current.Paused) continue;
                Volatile.Write(ref applying, true);
                try
                {
                    Volatile.Write(ref known, other.Paused);
                    pause.Apply(other);
                }
                finally
                {
                    Volatile.Write(ref applying, false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            pause.Changed -= OnChanged;
        }
    }

    private PauseInfo? Read()
    {
        try
        {
            return documents.Read(Document).Json is { } json ? JsonSerializer.Deserialize<PauseInfo>(json, Json) : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnreachable(logger, ex.Message);
            return null;
        }
    }

    /// <summary>Written over whatever revision is there: the last operator's word is the pause. False when it could not be.</summary>
    private bool Write(PauseInfo state)
    {
        try
        {
            var json = JsonSerializer.Serialize(state with { Waiting = 0 }, Json);
            for (var attempt = 0; attempt < 5; attempt++)
                if (documents.TryWrite(Document, json, documents.Read(Document).Revision)) return true;
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnreachable(logger, ex.Message);
            return false;
        }
    }

    [LoggerMessage(2060, LogLevel.Warning, "The cluster's database cannot be reached to share the operator's pause: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
