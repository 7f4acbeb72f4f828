using Microsoft.Extensions.Logging.Abstractions;
using P4Flow.Notifications;
using P4Flow.Orchestrator.Notifications;
using P4Flow.Workflows.Outbox;
using P4Flow.Workflows.Stores;

namespace P4Flow.Orchestrator.Tests.Notifications;

/// <summary>What the host sees outside a job's steps reaches the outbox: a lost agent once per loss, circuits as they open.</summary>
public sealed class HostEventsTests
{
    private sealed class Trigger : IDeliveryTrigger
    {
        public int Count;
        public void DeliverSoon() => Interlocked.Increment(ref Count);
    }

    private static (HostEvents Events, MemoryWorkflowStore Store, Trigger Trigger) Create()
    {
        var options = new NotificationOptions();
        options.Channels["hook"] = new ChannelOptions { Type = ChannelOptions.Webhook, Url = "http://127.0.0.1:1/hook" };
        foreach (var topic in new[] { Topics.AgentLost, Topics.AgentCircuitOpen, Topics.ServerCircuitOpen }) options.Events[topic] = ["hook"];
        var store = new MemoryWorkflowStore();
        var trigger = new Trigger();
        var outbox = new NotificationOutbox(Microsoft.Extensions.Options.Options.Create(options), store, trigger, TimeProvider.System);
        return (new HostEvents(outbox, TimeProvider.System, NullLogger<HostEvents>.Instance), store, trigger);
    }

    private static Task<IReadOnlyList<OutboxMessage>> MessagesAsync(MemoryWorkflowStore store, string topic) =>
        Eventually.Until(async () => (await store.QueryOutboxAsync(new OutboxQuery(Topic: topic), CancellationToken.None)).Items, m => m.Count > 0, TimeSpan.FromSeconds(30), topic);

    [Fact]
    public async Task AgentLost_Told_WithTheAgentAndWhy()
    {
        var (events, store, _) = Create();
        events.AgentLost("builder-7", DateTimeOffset.UtcNow.AddMinutes(-3), "job-1", "gone for 180 s");

        var message = Assert.Single(await MessagesAsync(store, Topics.AgentLost));
        Assert.Equal("builder-7", message.Payload["agent"]!.GetValue<string>());
        Assert.Equal("[P4Flow] Agent builder-7 is lost", MessageText.Render(message).Subject);
        Assert.Contains("gone for 180 s", MessageText.Render(message).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Circuits_Opened_Told_ClosedNot()
    {
        var (events, store, trigger) = Create();
        events.CircuitChanged("main", open: false);
        events.CircuitChanged("main", open: true);
        events.AgentCircuitChanged("builder-7", open: true);

        var server = Assert.Single(await MessagesAsync(store, Topics.ServerCircuitOpen));
        Assert.Equal("[P4Flow] Perforce server main: circuit open", MessageText.Render(server).Subject);
        Assert.Single(await MessagesAsync(store, Topics.AgentCircuitOpen));
        Assert.True(trigger.Count >= 2);
    }
}
