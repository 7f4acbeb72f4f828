using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using P4Flow.Activities.Commands;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Cluster;

/// <summary>
/// Commands for an agent connected to another node go through hub_requests: the asking node writes the request and
/// notifies (LISTEN/NOTIFY channel p4flow_hub), the agent's node claims it, runs it through its own hub (so its
/// signature, token, whitelist and "never run twice" hold as for its own jobs) and writes the answer back (channel
/// p4flow_result). Both sides also look every second, so a lost notification costs a second, not the command. A node
/// that dies while serving leaves its requests to the node the agent reconnects to, whose hub knows the command in
/// flight from the journal and joins it by fingerprint; a node that dies asking leaves the answer in the row for
/// whoever runs the job's activity again.
/// </summary>
public sealed partial class HubRequests(
    ClusterNode node,
    AgentRegistry registry,
    IServiceProvider services,
    CommandTokenSecret secret,
    IOptions<AgentsOptions> agents,
    TimeProvider clock,
    Audit.AuditLog audit,
    ILogger<HubRequests> logger) : BackgroundService
{
    public const string RequestChannel = "p4flow_hub";
    public const string AnswerChannel = "p4flow_result";
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);
    /// <summary>Answers nobody came for (the asking node died and the job ended otherwise) go after a day.</summary>
    private static readonly TimeSpan KeepAnswers = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();
    private readonly ConcurrentDictionary<long, Task> _serving = new();
    private readonly byte[] _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret.Value), 32, info: "p4flow hub request stdin"u8.ToArray());
    private readonly byte[] _macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret.Value), 32, info: "p4flow hub request body"u8.ToArray());
    private volatile TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastSweep;

    /// <summary>Look for requests to serve now (an agent connected here, a node went).</summary>
    public void Wake() => _wake.TrySetResult();

    /// <summary>
    /// Runs the command on the agent through the node it is connected to. The agent may move on meanwhile (the request
    /// goes with it); it is lost once it has been on no node at all for agents.lost_grace.
    /// </summary>
    public async Task<AgentAnswer> RunAsync(string agentId, CommandRequest request, IAgentCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cluster);
        var fingerprint = PendingCommand.FingerprintOf(request);
        var id = await FindOrAskAsync(agentId, request, fingerprint, cancellationToken).ConfigureAwait(false);
        var grace = TimeSpan.FromSeconds(agents.Value.LostGrace);
        var deadline = clock.GetUtcNow() + request.Timeout + request.Timeout + TimeSpan.FromSeconds(60);
        DateTimeOffset? nowhereSince = null;
        var waiter = _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            while (true)
            {
                if (await AnswerAsync(id, CancellationToken.None).ConfigureAwait(false) is { } answer) return answer;
                var now = clock.GetUtcNow();
                if (registry.IsConnected(agentId) || cluster.NodeOf(agentId) is not null) nowhereSince = null;
                else nowhereSince ??= now;
                if (nowhereSince is { } since && now - since >= grace)
                {
                    await CancelAsync(id).ConfigureAwait(false);
                    throw new AgentUnavailableException(
                        $"Agent {agentId} has been connected to no node of the cluster for {(now - since).TotalSeconds:0} s, longer than agents.lost_grace ({grace.TotalSeconds:0} s); its command '{string.Join(' ', request.Args.Take(8))}' got no result.",
                        AgentUnavailableException.AgentLost);
                }
                if (now > deadline)
                {
                    await CancelAsync(id).ConfigureAwait(false);
                    var silence = $"Agent {agentId} sent no result through the cluster within its timeout.";
                    return new AgentAnswer(new CommandRun(0, -1, "", silence, request.Timeout, TimedOut: true, AgentId: agentId), silence);
                }
                await Task.WhenAny(waiter.Task, Task.Delay(LookEvery, clock, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (waiter.Task.IsCompleted) _waiters[id] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        catch (OperationCanceledException)
        {
            await CancelAsync(id).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _waiters.TryRemove(id, out _);
        }
    }

    /// <summary>Has the agent's node end the job there; kept until the agent is on some node.</summary>
    public void Release(string agentId, string jobId, string reason, bool succeeded)
    {
        node.Execute("INSERT INTO hub_requests (kind, job_id, agent_id, fingerprint, body, origin, created_at, cancelled) VALUES ('release', @j, @a, '', @b, @o, now(), false)",
            ("j", jobId), ("a", agentId), ("b", JsonSerializer.Serialize(new ReleaseBody(reason, succeeded))), ("o", node.Id));
        node.Execute("SELECT pg_notify(@c, @a)", ("c", RequestChannel), ("a", agentId));
    }

    /// <summary>The request already made for this command of this job (by a node that died asking), else a new one.</summary>
    private async Task<long> FindOrAskAsync(string agentId, CommandRequest request, string fingerprint, CancellationToken cancellationToken)
    {
        await using (var find = node.Command("SELECT id FROM hub_requests WHERE job_id = @j AND fingerprint = @f AND kind = 'run' AND (NOT cancelled OR done_at IS NOT NULL) ORDER BY id DESC LIMIT 1",
            ("j", request.JobId), ("f", fingerprint)))
        {
            if (await find.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is long found)
            {
                LogJoined(logger, request.JobId, found, agentId);
                return found;
            }
        }
        await using var ask = node.Command("""
            INSERT INTO hub_requests (kind, job_id, agent_id, fingerprint, body, origin, created_at, cancelled)
            VALUES ('run', @j, @a, @f, @b, @o, now(), false) RETURNING id
            """, ("j", request.JobId), ("a", agentId), ("f", fingerprint), ("b", Encode(agentId, request)), ("o", node.Id));
        var id = (long)(await ask.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!;
        await node.ExecuteAsync("SELECT pg_notify(@c, @a)", cancellationToken, ("c", RequestChannel), ("a", agentId)).ConfigureAwait(false);
        return id;
    }

    /// <summary>The answer, once there: taken (the row goes) and returned, or thrown as the serving node's failure.</summary>
    private async Task<AgentAnswer?> AnswerAsync(long id, CancellationToken cancellationToken)
    {
        RemoteRun? result;
        string? error, errorClass;
        // Disposed once, before the next statement: Npgsql hands a connection's reader object on to its next user.
        await using (var read = node.Command("SELECT result, error, error_class FROM hub_requests WHERE id = @id AND done_at IS NOT NULL", ("id", id)))
        await using (var reader = await read.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false)) return null;
            result = reader.IsDBNull(0) ? null : JsonSerializer.Deserialize<RemoteRun>((byte[])reader[0]);
            error = reader.IsDBNull(1) ? null : reader.GetString(1);
            errorClass = reader.IsDBNull(2) ? null : reader.GetString(2);
        }
        await node.ExecuteAsync("DELETE FROM hub_requests WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        if (result is not null) return new AgentAnswer(result.ToRun(), result.Fault);
        throw errorClass == AgentUnavailableException.AgentLost || errorClass == AgentUnavailableException.AgentHang
            ? new AgentUnavailableException(error ?? "", errorClass)
            : new JobFailedException(error ?? "The agent's node failed the command.", errorClass ?? "AGENT_ERROR");
    }

    private async Task CancelAsync(long id)
    {
        try
        {
            // An answer already there stays for whoever runs the job's activity again (the sweep removes it after a day).
            await node.ExecuteAsync("UPDATE hub_requests SET cancelled = true WHERE id = @id AND done_at IS NULL", CancellationToken.None, ("id", id)).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            LogUnreachable(logger, ex.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake;
            try
            {
                await ClaimAsync(stoppingToken).ConfigureAwait(false);
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.Message);
            }
            try
            {
                await Task.WhenAny(wake.Task, Task.Delay(LookEvery, clock, stoppingToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (wake.Task.IsCompleted) _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await listening.ConfigureAwait(false);
        await Task.WhenAll(_serving.Values).ConfigureAwait(false);
    }

    /// <summary>Claims what is asked of this node's agents and nobody live serves, and serves each on its own.</summary>
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var here = registry.Sessions().Select(s => s.AgentId).Distinct(StringComparer.Ordinal).ToArray();
        if (here.Length == 0 || node.Fenced) return;
        var claimed = new List<(long Id, string Kind, string JobId, string AgentId, string Body)>();
        await using (var claim = node.Command("""
            UPDATE hub_requests SET served_by = @me
            WHERE id IN (SELECT r.id FROM hub_requests r
                         WHERE r.done_at IS NULL AND NOT r.cancelled AND r.agent_id = ANY(@here)
                           AND (r.served_by IS NULL OR NOT EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.id = r.served_by AND n.down_at IS NULL))
                         ORDER BY r.id FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, job_id, agent_id, body
            """, ("me", node.Id), ("here", here)))
        await using (var reader = await claim.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                claimed.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        foreach (var row in claimed)
        {
            _serving[row.Id] = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(row.Id, row.Kind, row.JobId, row.AgentId, row.Body, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _serving.TryRemove(row.Id, out _);
                }
            }, CancellationToken.None);
        }
    }

    private async Task ServeAsync(long id, string kind, string jobId, string agentId, string body, CancellationToken stopping)
    {
        try
        {
            if (kind == P4Flow.Cluster.HubRequestRow.Release)
            {
                var release = JsonSerializer.Deserialize<ReleaseBody>(body)!;
                registry.ReleaseOnAgent(agentId, jobId, release.Reason, release.Succeeded);
                await node.ExecuteAsync("DELETE FROM hub_requests WHERE id = @id", CancellationToken.None, ("id", id)).ConfigureAwait(false);
                return;
            }
            LogServing(logger, id, jobId, agentId);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var watch = WatchCancelledAsync(id, cancel);
            string? result = null, error = null, errorClass = null;
            try
            {
                var dispatcher = services.GetRequiredService<AgentCommandDispatcher>();
                var answer = await dispatcher.ServeAsync(agentId, Decode(agentId, body), cancel.Token, stopping).ConfigureAwait(false);
                result = JsonSerializer.Serialize(RemoteRun.Of(answer));
            }
            catch (AgentMovedException)
            {
                // The agent went to another node: the request goes with it, served there.
                await node.ExecuteAsync("UPDATE hub_requests SET served_by = NULL WHERE id = @id AND served_by = @me", CancellationToken.None, ("id", id), ("me", node.Id)).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // This node stops: whoever the agent reconnects to serves it.
                await node.ExecuteAsync("UPDATE hub_requests SET served_by = NULL WHERE id = @id AND served_by = @me", CancellationToken.None, ("id", id), ("me", node.Id)).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // The asking node stopped waiting: nobody takes an answer.
                await node.ExecuteAsync("DELETE FROM hub_requests WHERE id = @id", CancellationToken.None, ("id", id)).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException ex)
            {
                // Ended here for another reason (the job was released on this node): the asker hears so, not silence.
                (error, errorClass) = (ex.Message, "CANCELLED");
            }
            catch (JobFailedException ex)
            {
                (error, errorClass) = (ex.Message, ex.ErrorClass);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Whatever went wrong, the asker gets an answer rather than waiting on a request nobody serves.
                (error, errorClass) = ($"The agent's node could not run the command: {ex.GetType().Name}: {ex.Message}", "AGENT_ERROR");
            }
            finally
            {
                await cancel.CancelAsync().ConfigureAwait(false);
                await watch.ConfigureAwait(false);
            }
            await node.ExecuteAsync("UPDATE hub_requests SET result = @r, error = @e, error_class = @c, done_at = now() WHERE id = @id",
                CancellationToken.None, ("id", id), ("r", result is null ? null : Encoding.UTF8.GetBytes(result)), ("e", error), ("c", errorClass)).ConfigureAwait(false);
            await node.ExecuteAsync("SELECT pg_notify(@c, @id)", CancellationToken.None, ("c", AnswerChannel), ("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // The answer is not written: the request stays claimed by this node and is asked again if it goes down.
            LogUnreachable(logger, ex.Message);
        }
    }

    /// <summary>Cancels the serving when the asking node stopped waiting.</summary>
    private async Task WatchCancelledAsync(long id, CancellationTokenSource serving)
    {
        try
        {
            while (!serving.IsCancellationRequested)
            {
                await Task.Delay(LookEvery, clock, serving.Token).ConfigureAwait(false);
                // Never cancelled while it runs: PostgreSQL's cancel request can land on the pooled connection's next
                // statement, someone else's.
                await using var read = node.Command("SELECT cancelled FROM hub_requests WHERE id = @id", ("id", id));
                if (await read.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) is not false)
                {
                    await serving.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException)
        {
            // Served, or the database is away: the serving goes on regardless.
        }
    }

    /// <summary>LISTEN on both channels: a request wakes the claim, an answer its waiter. Reconnects when the connection goes.</summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await node.Listening.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == RequestChannel) Wake();
                    else if (long.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var answered) && _waiters.TryGetValue(answered, out var waiter)) waiter.TrySetResult();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {RequestChannel}; LISTEN {AnswerChannel};", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.IO.IOException)
            {
                LogUnreachable(logger, ex.Message);
                try
                {
                    await Task.Delay(LookEvery, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastSweep < TimeSpan.FromMinutes(10)) return;
        _lastSweep = now;
        await node.ExecuteAsync("DELETE FROM hub_requests WHERE (done_at IS NOT NULL AND done_at < now() - @keep) OR ((cancelled OR kind = 'release') AND created_at < now() - @keep)",
            cancellationToken, ("keep", KeepAnswers)).ConfigureAwait(false);
    }

    /// <summary>
    /// The request as JSON behind a MAC of it and its agent (only nodes with the command token secret make one): a row
    /// written into the database by anyone else is refused, not signed and run. A secret input is sealed, bound to its
    /// job and arguments, so it cannot be moved into another command.
    /// </summary>
    private string Encode(string agentId, CommandRequest request)
    {
        string? stdin = null, sealedStdin = null;
        if (request.Stdin is { } input)
        {
            if (request.SecretStdin) sealedStdin = Seal(input, Bound(request.JobId, request.Args));
            else stdin = input;
        }
        var json = JsonSerializer.Serialize(new RequestBody(request.JobId, request.Stage, [.. request.Args], new Dictionary<string, string>(request.Env),
            request.Timeout.TotalSeconds, stdin, sealedStdin));
        return Convert.ToBase64String(Mac(agentId, json)) + "." + json;
    }

    private CommandRequest Decode(string agentId, string body)
    {
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var json = dot < 0 ? "" : body[(dot + 1)..];
        if (dot < 0 || !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(body[..dot]), Mac(agentId, json)))
        {
            LogForged(logger, agentId);
            audit.Write(new Audit.AuditEvent(Audit.AuditLog.ClusterRequestRefused, agentId, null, Audit.AuditEvent.Rejected, "a request in hub_requests failed its integrity check: not written by a node of this cluster"));
            throw new CryptographicException("The request failed its integrity check (it was not written by a node of this cluster): refused, nothing run.");
        }
        var b = JsonSerializer.Deserialize<RequestBody>(json)!;
        var secretInput = b.SealedStdin is not null;
        return new CommandRequest(b.JobId, b.Stage, b.Args, b.Env, TimeSpan.FromSeconds(b.TimeoutSeconds), secretInput ? Open(b.SealedStdin!, Bound(b.JobId, b.Args)) : b.Stdin) { SecretStdin = secretInput };
    }

    private byte[] Mac(string agentId, string json) => HMACSHA256.HashData(_macKey, Encoding.UTF8.GetBytes(agentId + "\n" + json));

    private static byte[] Bound(string jobId, IEnumerable<string> args) => Encoding.UTF8.GetBytes(jobId + "\0" + string.Join('\0', args));

    /// <summary>A secret input (a p4 password) crosses the database sealed with a key only the hubs have (from the command token secret).</summary>
    private string Seal(string text, byte[] bound)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_sealKey, 16);
        aes.Encrypt(nonce, plain, cipher, tag, bound);
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    private string Open(string sealedText, byte[] bound)
    {
        var bytes = Convert.FromBase64String(sealedText);
        var plain = new byte[bytes.Length - 28];
        using var aes = new AesGcm(_sealKey, 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, bound);
        return Encoding.UTF8.GetString(plain);
    }

    private sealed record RequestBody(string JobId, string? Stage, List<string> Args, Dictionary<string, string> Env, double TimeoutSeconds, string? Stdin, string? SealedStdin);

    private sealed record ReleaseBody(string Reason, bool Succeeded);

    /// <summary>A command's run as it crosses the database.</summary>
    private sealed record RemoteRun(long CmdId, int ExitCode, string Stdout, string Stderr, double Seconds, bool TimedOut, string? AgentId, List<string>? Containment, bool Refused, string? Fault)
    {
        public static RemoteRun Of(AgentAnswer answer) => new(answer.Result.CmdId, answer.Result.ExitCode, answer.Result.Stdout, answer.Result.Stderr,
            answer.Result.Duration.TotalSeconds, answer.Result.TimedOut, answer.Result.AgentId, answer.Result.Containment?.ToList(), answer.Result.Refused, answer.AgentFault);

        public CommandRun ToRun() => new(CmdId, ExitCode, Stdout, Stderr, TimeSpan.FromSeconds(Seconds), TimedOut, AgentId, Containment) { Refused = Refused };
    }

    [LoggerMessage(2030, LogLevel.Warning, "The cluster's database cannot be reached for the hub's requests: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    [LoggerMessage(2031, LogLevel.Information, "Serving request {RequestId} of job {JobId} for agent {AgentId}, connected here")]
    private static partial void LogServing(ILogger logger, long requestId, string jobId, string agentId);

    [LoggerMessage(2033, LogLevel.Critical, "A request for agent {AgentId} in hub_requests failed its integrity check: refused (someone with write access to the database wrote it)")]
    private static partial void LogForged(ILogger logger, string agentId);

    [LoggerMessage(2032, LogLevel.Information, "Job {JobId} waits again for request {RequestId} to agent {AgentId}, made before (by a node that went, or an earlier attempt)")]
    private static partial void LogJoined(ILogger logger, string jobId, long requestId, string agentId);
}

/// <summary>The agent a node was serving a request for went to another node: the request goes with it.</summary>
public sealed class AgentMovedException(string agentId) : Exception($"Agent {agentId} is now connected to another node.");
