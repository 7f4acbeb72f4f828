using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using P4Flow.Workflows.Outbox;
using P4Flow.Workflows.Stores;

namespace P4Flow.Notifications.Tests;

/// <summary>Notifications as the orchestrator wires them, on the in-memory store, a clock the test moves, and given settings.</summary>
internal sealed class NotificationHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public NotificationHarness(IDictionary<string, string?> settings, IPersonDirectory? directory = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IWorkflowStore, MemoryWorkflowStore>();
        services.AddSingleton(sp => (IOutboxStore)sp.GetRequiredService<IWorkflowStore>());
        services.AddSingleton<IDeliveryTrigger>(Trigger);
        if (directory is not null) services.AddSingleton(directory);
        services.AddNotifications(configuration);
        _services = services.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    public CountingTrigger Trigger { get; } = new();
    public IOutboxStore Outbox => _services.GetRequiredService<IOutboxStore>();
    public IWorkflowStore Store => _services.GetRequiredService<IWorkflowStore>();
    public NotificationOutbox Raiser => _services.GetRequiredService<NotificationOutbox>();
    public NotificationDelivery Delivery => _services.GetRequiredService<NotificationDelivery>();
    public NotificationOptions Options => _services.GetRequiredService<IOptions<NotificationOptions>>().Value;
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A job's NEEDS_RESOLVE event as a job parked on two conflicts would raise it.</summary>
    public static JsonObject ParkedJob(string jobId = "job-1") => new()
    {
        ["job"] = new JsonObject { ["id"] = jobId, ["workflow"] = "p4-integrate", ["stage"] = "NEEDS_RESOLVE", ["startedBy"] = "alice", ["url"] = $"https://p4flow.example.com/jobs/{jobId}" },
        ["server"] = "main",
        ["source"] = "//depot/main/...",
        ["target"] = "//depot/rel/...",
        ["changes"] = "42",
        ["sourceChanges"] = new JsonArray(new JsonObject { ["change"] = 42, ["user"] = "bob", ["description"] = "Fix the parser" }),
        ["owners"] = new JsonArray("bob"),
        ["addresses"] = new JsonArray("rel-team@example.com"),
        ["conflictCount"] = 2,
        ["conflicts"] = new JsonArray(
            new JsonObject { ["file"] = "//depot/rel/src/parser.c", ["fromFile"] = "//depot/main/src/parser.c", ["reason"] = "conflict" },
            new JsonObject { ["file"] = "//depot/rel/art/logo.png", ["fromFile"] = "//depot/main/art/logo.png", ["reason"] = "binary" }),
    };

    public async Task<OutboxMessage> OnlyMessageAsync()
    {
        var page = await Outbox.QueryOutboxAsync(new OutboxQuery(), CancellationToken.None);
        return Assert.Single(page.Items);
    }

    public void Dispose() => _services.Dispose();

    internal sealed class CountingTrigger : IDeliveryTrigger
    {
        public int Count { get; private set; }
        public void DeliverSoon() => Count++;
    }
}

/// <summary>Perforce's answer for each user, as a dictionary; a user missing from it is unknown to the server.</summary>
internal sealed class FixedDirectory(Dictionary<string, string> emails) : IPersonDirectory
{
    public List<string> Asked { get; } = [];

    public Task<string?> EmailOfAsync(string user, string? server, string? jobId, CancellationToken cancellationToken)
    {
        Asked.Add(user);
        return Task.FromResult(emails.TryGetValue(user, out var email) ? email : null);
    }
}
