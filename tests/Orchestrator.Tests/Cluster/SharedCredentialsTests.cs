using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Cluster;
using P4Flow.Orchestrator.Security;

namespace P4Flow.Orchestrator.Tests.Cluster;

/// <summary>
/// Credentials shared through the state database (as on PostgreSQL; here the same code on a SQLite file): a key made on
/// one orchestrator signs in on another, a revocation reaches the other within the 5 s it keeps what it read, and two
/// orchestrators changing the document at once lose neither change. The enrolments and the incidents are shared the
/// same way.
/// </summary>
public sealed class SharedCredentialsTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), "p4flow-shared-" + Guid.NewGuid().ToString("N")[..8] + ".db");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private CredentialStore Orchestrator()
    {
        var options = new DbContextOptionsBuilder<SharedStateDbContext>().UseSqlite($"Data Source={_database};Pooling=False").Options;
        var documents = new SharedDocuments(new Contexts(options), _clock);
        documents.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new CredentialStore(new SharedCredentials(documents), _clock);
    }

    public void Dispose() => File.Delete(_database);

    [Fact]
    public void KeyMadeOnOne_SignsInOnAnother_RevokedThere_RefusedWithinSeconds()
    {
        var one = Orchestrator();
        var other = Orchestrator();
        var (info, key) = one.CreateApiKey("ci-bot", Roles.Operator);

        Assert.Equal("ci-bot", other.VerifyApiKey(key)?.Name);
        Assert.True(one.RevokeApiKey(info.Id));
        Assert.Null(one.VerifyApiKey(key));

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(other.VerifyApiKey(key));
    }

    [Fact]
    public void BothChangeFromWhatTheyRead_NeitherChangeIsLost()
    {
        var one = Orchestrator();
        var other = Orchestrator();
        Assert.Empty(other.ListApiKeys()); // read (and kept) before the first one's change

        one.CreateApiKey("first", Roles.Viewer);
        other.CreateApiKey("second", Roles.Viewer);
        other.SetUser("carol", Roles.Designer, "a-long-enough-password");

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(["first", "second"], one.ListApiKeys().Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.Equal("carol", one.VerifyPassword("carol", "a-long-enough-password")?.Name);
    }

    [Fact]
    public void WriteBasedOnAnOldRevision_IsRefused()
    {
        Orchestrator();
        var options = new DbContextOptionsBuilder<SharedStateDbContext>().UseSqlite($"Data Source={_database};Pooling=False").Options;
        var documents = new SharedDocuments(new Contexts(options), _clock);

        Assert.True(documents.TryWrite("doc", "{\"v\":1}", 0));
        Assert.True(documents.TryWrite("doc", "{\"v\":2}", 1));
        Assert.False(documents.TryWrite("doc", "{\"v\":3}", 1));
        Assert.False(documents.TryWrite("doc", "{\"v\":4}", 0));
        Assert.Equal(new SharedDocument("{\"v\":2}", 2), documents.Read("doc"));
    }

    [Fact]
    public void ChangeBeatenByAnotherWriter_IsMadeAgainOnWhatTheOtherWrote()
    {
        var document = new Racing();
        var mine = new CredentialStore(document, _clock);
        document.Other = new CredentialStore(document, _clock);

        mine.CreateApiKey("mine", Roles.Viewer);

        Assert.Equal(["mine", "theirs"], new CredentialStore(document, _clock).ListApiKeys().Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, document.Saves);
    }

    [Fact]
    public void DatabaseUnreadable_KeysReadBeforeStillSignIn()
    {
        var document = new Racing();
        var store = new CredentialStore(document, _clock);
        var (_, key) = store.CreateApiKey("ci-bot", Roles.Operator);
        document.Unreadable = true;

        _clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal("ci-bot", store.VerifyApiKey(key)?.Name);
        Assert.True(document.Loads > 0, "the store tried to read the document again");
    }

    /// <summary>A document in memory whose first save finds that another orchestrator wrote first.</summary>
    private sealed class Racing : ICredentialDocument
    {
        private string? _json;
        private int _revision;

        public CredentialStore? Other { get; set; }
        public int Saves { get; private set; }

        public string Location => "memory";

        public TimeSpan KeepFor => TimeSpan.FromSeconds(5);

        public bool Unreadable { get; set; }
        public int Loads { get; private set; }

        public (string? Json, int Revision) Load()
        {
            if (Unreadable)
            {
                Loads++;
                throw new InvalidOperationException("the database is restarting");
            }
            return (_json, _revision);
        }

        public bool TrySave(string json, int revision)
        {
            Saves++;
            if (Other is { } other)
            {
                Other = null;
                other.CreateApiKey("theirs", Roles.Operator);
            }
            if (revision != _revision) return false;
            (_json, _revision) = (json, _revision + 1);
            return true;
        }
    }

    [Fact]
    public async Task Enrolments_PutOnOneNode_FoundAndRemovedOnAnother_NeitherNodesFileIsWritten()
    {
        var options = new DbContextOptionsBuilder<SharedStateDbContext>().UseSqlite($"Data Source={_database};Pooling=False").Options;
        await new SharedDocuments(new Contexts(options), _clock).InitializeAsync(CancellationToken.None);
        var file = Path.Combine(Path.GetTempPath(), "p4flow-enrolments-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        var settings = Microsoft.Extensions.Options.Options.Create(new P4Flow.Orchestrator.Bootstrap.BootstrapOptions { Enrolments = file });
        var one = new P4Flow.Orchestrator.Bootstrap.Enrolments(settings, new SharedDocuments(new Contexts(options), _clock));
        var other = new P4Flow.Orchestrator.Bootstrap.Enrolments(settings, new SharedDocuments(new Contexts(options), _clock));

        one.Put(new P4Flow.Orchestrator.Bootstrap.Enrolment("build-7", "10.0.0.7", 22, "deploy", "key:deploy", "tofu", "SHA256:abc", "p4flow-agent", "/opt/p4flow-agent", false, true, ["linux"], _clock.GetUtcNow()));
        other.Put(new P4Flow.Orchestrator.Bootstrap.Enrolment("build-8", "10.0.0.8", 22, "deploy", "key:deploy", "tofu", "SHA256:def", "p4flow-agent", "/opt/p4flow-agent", false, true, [], _clock.GetUtcNow()));

        Assert.Equal("10.0.0.7", other.Find("build-7")?.Host);
        Assert.Equal("10.0.0.8", one.Find("build-8")?.Host);
        other.Remove("build-7");
        Assert.Null(one.Find("build-7"));
        Assert.False(File.Exists(file), "a node wrote its own enrolments file");
    }

    [Fact]
    public async Task Incidents_RecordedOnOneNode_ListedOnAnother_NewestVersionOfAnIdWins()
    {
        var options = new DbContextOptionsBuilder<SharedStateDbContext>().UseSqlite($"Data Source={_database};Pooling=False").Options;
        await new SharedDocuments(new Contexts(options), _clock).InitializeAsync(CancellationToken.None);
        var home = Path.Combine(Path.GetTempPath(), "p4flow-incidents-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            P4Flow.Orchestrator.Incidents.IncidentLog Node(string name)
            {
                var state = Microsoft.Extensions.Options.Options.Create(new P4Flow.Orchestrator.Configuration.StateManagementOptions { IncidentsFile = Path.Combine(home, name, "incidents.jsonl") });
                var outbox = new P4Flow.Notifications.NotificationOutbox(Microsoft.Extensions.Options.Options.Create(new P4Flow.Notifications.NotificationOptions()),
                    new P4Flow.Workflows.Stores.MemoryWorkflowStore(), new NoDelivery(), _clock);
                return new P4Flow.Orchestrator.Incidents.IncidentLog(outbox, new P4Flow.Orchestrator.Observability.P4FlowMetrics(Prometheus.Metrics.NewCustomRegistry()), state,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<P4Flow.Orchestrator.Incidents.IncidentLog>.Instance, new SharedDocuments(new Contexts(options), _clock));
            }
            var a = Node("a");
            var b = Node("b");
            var at = _clock.GetUtcNow();
            await a.RecordAsync(new P4Flow.Orchestrator.Incidents.Incident("inc-1", "P4_SERVER_DOWN", at, null, "open", "main is down", []), CancellationToken.None);
            await b.RecordAsync(new P4Flow.Orchestrator.Incidents.Incident("inc-2", "AGENT_HANG", at.AddSeconds(1), at.AddSeconds(2), P4Flow.Orchestrator.Incidents.Incident.Recovered, "builder answered again", []), CancellationToken.None);
            await a.RecordAsync(new P4Flow.Orchestrator.Incidents.Incident("inc-1", "P4_SERVER_DOWN", at, at.AddSeconds(5), P4Flow.Orchestrator.Incidents.Incident.Recovered, "main is back", []), CancellationToken.None);

            Assert.Equal([("inc-2", "recovered"), ("inc-1", "recovered")], b.List(null, 10).Select(i => (i.Id, i.Outcome)));
            Assert.Equal(["inc-1"], a.List("P4_SERVER_DOWN", 10).Select(i => i.Id));
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }

    private sealed class NoDelivery : P4Flow.Notifications.IDeliveryTrigger
    {
        public void DeliverSoon()
        {
        }
    }

    private sealed class Contexts(DbContextOptions<SharedStateDbContext> options) : IDbContextFactory<SharedStateDbContext>
    {
        public SharedStateDbContext CreateDbContext() => new(options);
    }
}
