using System.Threading.Channels;
using Npgsql;
using P4Flow.Orchestrator.Admission;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// Any node may move a job on, so every step is told to every node (NOTIFY on channel p4flow_job): admission, each
/// node's own, frees or parks what it held for a job another node ended or parked; and a Studio page open on this node
/// shows a step made on another (the job read back from the store). Sent in the background, in order, so a step's
/// commit never waits for it.
/// </summary>
internal sealed partial class ClusterJobEvents(
    ClusterNode node,
    AdmissionControl admission,
    P4Flow.Workflows.Stores.IWorkflowStore store,
    ILogger<ClusterJobEvents> logger,
    P4Flow.Studio.Services.JobEvents? studio = null) : BackgroundService, IWorkflowObserver
{
    public const string Channel = "p4flow_job";
    /// <summary>What the nodes' admissions hold is checked against the store this often (a message can be lost while a listener reconnects).</summary>
    private static readonly TimeSpan CheckHeldEvery = TimeSpan.FromSeconds(30);
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Channel<string> _inbox = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void JobCreated(WorkflowInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        _outbox.Writer.TryWrite($"c|{node.Id}|{instance.Id}");
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        // What admission cares about (an end, or where the job stands between working and parked), from which node.
        var state = instance.Status.IsTerminal() ? "e" : AdmissionControl.IsParked(instance) ? "p" : "w";
        _outbox.Writer.TryWrite($"{state}|{node.Id}|{instance.Id}");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SendAsync(stoppingToken), ListenAsync(stoppingToken), ApplyAsync(stoppingToken), CheckHeldAsync(stoppingToken));

    /// <summary>Messages applied one at a time, in the order they came, off the listening connection's thread.</summary>
    private async Task ApplyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Apply(message);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Admission reaches the database to place jobs; a failure there must not end this node.
                    LogUnreachable(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A held job that ended without this node hearing of it (a message lost) frees its place.</summary>
    private async Task CheckHeldAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(CheckHeldEvery);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var jobId in admission.Held())
                {
                    try
                    {
                        if (await store.GetInstanceAsync(jobId, stoppingToken).ConfigureAwait(false) is not { } job || job.Status.IsTerminal()) admission.Ended(jobId);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                    {
                        LogUnreachable(logger, ex.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await node.ExecuteAsync("SELECT pg_notify(@c, @m)", stoppingToken, ("c", Channel), ("m", message)).ConfigureAwait(false);
                }
                catch (NpgsqlException ex)
                {
                    LogUnreachable(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await node.Listening.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                // Applied off the connection's reading thread, in order: admission may reach the database itself.
                connection.Notification += (_, e) => _inbox.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                LogUnreachable(logger, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Also this node's own messages: admission's calls are idempotent, and the Studio heard its own steps already.</summary>
    private void Apply(string message)
    {
        var parts = message.Split('|');
        if (parts.Length != 3) return;
        var (state, from, jobId) = (parts[0], parts[1], parts[2]);
        if (state == "e") admission.Ended(jobId);
        else if (state != "c") admission.Park(jobId, state == "p");
        if (from != node.Id && studio?.Watches(jobId) == true) _ = ShowAsync(jobId);
    }

    private async Task ShowAsync(string jobId)
    {
        try
        {
            if (await store.GetInstanceAsync(jobId, CancellationToken.None).ConfigureAwait(false) is not { } instance) return;
            studio!.StepElsewhere(instance, await store.ListExecutionsAsync(jobId, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A view that misses a step shows it when it is opened again.
            LogUnreachable(logger, ex.Message);
        }
    }

    [LoggerMessage(2050, LogLevel.Warning, "The cluster's database cannot be reached to tell the other nodes of a job's step: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
