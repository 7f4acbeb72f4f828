using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Trust;
using P4Flow.Protocol.V1;
using P4Flow.Workflows;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Tests.Hub;

/// <summary>The stream handler alone, with a test call context and in-memory streams.</summary>
public sealed class AgentHubServiceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "p4flow-hubunit-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly HubJournal _journal;
    private readonly AuditLog _audit;
    private readonly AgentRegistry _registry;
    private readonly MemoryWorkflowStore _store = new();
    private readonly JobFolderReconciler _folders;
    private readonly AgentHubService _service;

    public AgentHubServiceTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "whitelist.yaml"), HubHost.Whitelist([("agent-1", "127.0.0.0/8")]));
        var security = Options.Create(new HubSecurityOptions { AgentWhitelist = Path.Combine(_dir, "whitelist.yaml"), AuditLog = Path.Combine(_dir, "audit.jsonl") });
        var agents = Options.Create(new AgentsOptions { Journal = Path.Combine(_dir, "journal.jsonl") });
        _journal = new HubJournal(agents);
        _audit = new AuditLog(security);
        _registry = new AgentRegistry(_journal, _audit, TimeProvider.System, Options.Create(new ResourcesOptions()), NullLogger<AgentRegistry>.Instance);
        _folders = new JobFolderReconciler(_registry, _store, NullLogger<JobFolderReconciler>.Instance);
        _service = new AgentHubService(_registry, _folders, new WhitelistMonitor(security, agents, NullLogger<WhitelistMonitor>.Instance), _audit, new Lifetime(), TimeProvider.System, NullLogger<AgentHubService>.Instance);
    }

    [Fact]
    public async Task Connect_ProtocolVersionMismatch_RefusedSayingWhichVersionsAreAccepted()
    {
        var (requests, responses, context) = Call("agent-1");
        await requests.Writer.WriteAsync(Hello("agent-1", "2.0"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => _service.Connect(new Reader(requests.Reader), responses, context));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        var answer = Assert.Single(responses.Written);
        Assert.Equal(HubMessage.BodyOneofCase.AuthFailed, answer.BodyCase);
        Assert.Equal(["1.x"], answer.AuthFailed.AcceptedVersions);
        Assert.Contains("'2.0' is not accepted; this hub accepts 1.x", answer.AuthFailed.Reason, StringComparison.Ordinal);
        Assert.Contains("is not accepted", File.ReadAllText(_audit.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_AgentIdOtherThanCertificateCn_Refused()
    {
        var (requests, responses, context) = Call("agent-1");
        await requests.Writer.WriteAsync(Hello("someone-else", "1.0"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => _service.Connect(new Reader(requests.Reader), responses, context));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("does not match its certificate's CN 'agent-1'", Assert.Single(responses.Written).AuthFailed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_PendingCommands_SyncRequiredListsThemThenResultCompletesThem()
    {
        var pending = _registry.Submit("agent-1", HubHost.Request("job-1", "/bin/echo", "hi"));
        Assert.False(pending.Written);
        var (requests, responses, context) = Call("agent-1");
        await requests.Writer.WriteAsync(Hello("agent-1", "1.0", lastCmdId: 41));
        var connect = _service.Connect(new Reader(requests.Reader), responses, context);

        var sent = await responses.NextAsync(HubMessage.BodyOneofCase.Command);
        Assert.Equal(42, sent.Command.CmdId); // numbered above what the agent ran before
        Assert.Equal(HubMessage.BodyOneofCase.SyncOk, responses.Written[0].BodyCase);
        await requests.Writer.WriteAsync(new AgentMessage { AlreadyDone = new CommandAlreadyDone { CmdId = 42, CachedResult = new CommandResult { ExitCode = 0, Stdout = "cached" } } });
        var result = await pending.Completion.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("cached", result.Stdout);
        requests.Writer.Complete();
        await connect.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("DISCONNECTED", Assert.Single(_registry.Snapshot()).State);
    }

    public void Dispose()
    {
        _journal.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Reconcile_HelloFolders_OnlyJobIdsOnceEachUpToTheCap_ThenTheListIsDropped()
    {
        var ended = await EndedJobAsync(Ids.New());
        var notAnId = await EndedJobAsync("job-1"); // no job of this hub is named so: not looked up
        var beyondTheCap = await EndedJobAsync(Ids.New());
        var hello = Hello("agent-1", "1.2").Hello;
        hello.JobFolders.AddRange([ended, ended, notAnId]);
        hello.JobFolders.AddRange(Enumerable.Range(0, JobFolderReconciler.MaxFolders).Select(_ => Ids.New()));
        hello.JobFolders.Add(beyondTheCap);
        var outbox = Channel.CreateUnbounded<HubMessage>();
        var session = new AgentSession("agent-1", hello, System.Net.IPAddress.Loopback, outbox.Writer, TimeProvider.System);

        await _folders.ReconcileAsync(session, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        var told = new List<string>();
        while (outbox.Reader.TryRead(out var message)) told.Add(message.JobEnded.JobId);
        Assert.Equal([ended], told);
        Assert.Empty(session.Hello.JobFolders);
    }

    private async Task<string> EndedJobAsync(string id)
    {
        await _store.CreateInstanceAsync(new WorkflowInstance { Id = id, DefinitionId = "p4-integrate", Status = WorkflowStatus.Finished, CreatedAt = DateTime.UtcNow }, CancellationToken.None);
        return id;
    }

    private static AgentMessage Hello(string id, string version, long lastCmdId = 0) =>
        new() { Hello = new Hello { AgentId = id, Version = version, LastCmdId = lastCmdId } };

    private static (Channel<AgentMessage>, Writer, TestCallContext) Call(string commonName) =>
        (Channel.CreateUnbounded<AgentMessage>(), new Writer(), new TestCallContext(commonName, "ipv4:127.0.0.1:50123"));

    private sealed class Reader(ChannelReader<AgentMessage> reader) : IAsyncStreamReader<AgentMessage>
    {
        public AgentMessage Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await reader.WaitToReadAsync(cancellationToken)) return false;
            Current = await reader.ReadAsync(cancellationToken);
            return true;
        }
    }

    private sealed class Writer : IServerStreamWriter<HubMessage>
    {
        private readonly Channel<HubMessage> _seen = Channel.CreateUnbounded<HubMessage>();
        public List<HubMessage> Written { get; } = [];
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(HubMessage message, CancellationToken cancellationToken) => WriteAsync(message);

        public Task WriteAsync(HubMessage message)
        {
            lock (Written) Written.Add(message);
            _seen.Writer.TryWrite(message);
            return Task.CompletedTask;
        }

        public async Task<HubMessage> NextAsync(HubMessage.BodyOneofCase kind)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var message = await _seen.Reader.ReadAsync(deadline.Token);
                if (message.BodyCase == kind) return message;
            }
        }
    }

    private sealed class Lifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    /// <summary>What Grpc.AspNetCore gives a handler: the peer and the client certificate's CN in the auth context.</summary>
    private sealed class TestCallContext(string commonName, string peer) : ServerCallContext
    {
        private readonly CancellationTokenSource _cancel = new();

        protected override string MethodCore => "/p4flow.agent.v1.AgentHub/Connect";
        protected override string HostCore => "127.0.0.1";
        protected override string PeerCore => peer;
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => [];
        protected override CancellationToken CancellationTokenCore => _cancel.Token;
        protected override Metadata ResponseTrailersCore => [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new("x509_common_name", new Dictionary<string, List<AuthProperty>>
        {
            ["x509_common_name"] = [AuthProperty.Create("x509_common_name", System.Text.Encoding.UTF8.GetBytes(commonName))],
        });

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
