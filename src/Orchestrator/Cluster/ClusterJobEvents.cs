using System.Threading.Channels;
using Npgsql;
using P4Flow.Orchestrator.Admission;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// Admission is each node's own (what it admitted, it holds), but any node may move a job on: the step that ends a
/// job, or parks it for a person, is told to every node (NOTIFY on channel p4flow_job), whose admission frees or parks
/// what it held for that job. Sent in the background, in order, so a step's commit never waits for it.
/// </summary>
internal sealed partial class ClusterJobEvents(ClusterNode node, AdmissionControl admission, ILogger<ClusterJobEvents> logger) : BackgroundService, IWorkflowObserver
{
    public const string Channel = "p4flow_job";
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public void JobCreated(WorkflowInstance instance)
    {
    }

    public void StepCommitted(WorkflowInstance instance, JobSnapshot before, StepChanges changes)
    {
        ArgumentNullException.ThrowIfNull(instance);
        // What admission cares about: an end, or where the job stands between working and parked.
        _outbox.Writer.TryWrite(instance.Status.IsTerminal() ? $"e:{instance.Id}" : $"p:{(AdmissionControl.IsParked(instance) ? 1 : 0)}:{instance.Id}");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(SendAsync(stoppingToken), ListenAsync(stoppingToken));

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
                // Applied off the connection's reading thread: admission may reach the database itself.
                connection.Notification += (_, e) => ThreadPool.QueueUserWorkItem(Apply, e.Payload, preferLocal: false);
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

    /// <summary>Also this node's own messages: admission's calls are idempotent.</summary>
    private void Apply(string message)
    {
        if (message.StartsWith("e:", StringComparison.Ordinal)) admission.Ended(message[2..]);
        else if (message.Length > 4 && message.StartsWith("p:", StringComparison.Ordinal)) admission.Park(message[4..], message[2] == '1');
    }

    [LoggerMessage(2050, LogLevel.Warning, "The cluster's database cannot be reached to tell the other nodes of a job's step: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}
