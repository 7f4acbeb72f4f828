using Hangfire;
using P4Flow.Notifications;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Orchestrator.Notifications;

namespace P4Flow.Orchestrator.Extensions;

public static class NotificationsExtensions
{
    /// <summary>
    /// Notifications (`notifications:`): delivered by Hangfire on a queue with workers of its own, people's addresses from
    /// Perforce, the host's events (agents, circuits, Continue) raised into the outbox, counted in p4_notifications_total.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddNotifications(builder.Configuration);
        services.AddSingleton<HangfireDeliveryTrigger>();
        services.AddSingleton<IDeliveryTrigger>(sp => sp.GetRequiredService<HangfireDeliveryTrigger>());
        services.AddTransient<NotificationJobs>();
        services.AddSingleton<IPersonDirectory, PerforcePeople>();
        services.AddSingleton<IKnownSecrets, PerforceSecrets>();
        services.AddSingleton<HostEvents>();
        services.AddSingleton<Hub.IAgentLostObserver>(sp => sp.GetRequiredService<HostEvents>());
        services.AddSingleton<Hub.IAgentCircuitObserver>(sp => sp.GetRequiredService<HostEvents>());
        services.AddSingleton<Activities.Perforce.IP4CircuitObserver>(sp => sp.GetRequiredService<HostEvents>());
        services.AddSingleton<Activities.Perforce.IResolveCheckObserver>(sp => sp.GetRequiredService<HostEvents>());
        services.AddSingleton<INotificationObserver, Observability.NotificationMetricsObserver>();
        // Two workers that take only notifications: a dead SMTP server's timeouts never hold up a job's work.
        services.AddHangfireServer((sp, o) =>
        {
            // In a cluster under the node's name too, so that a node taking over a dead one hands its deliveries out again.
            o.ServerName = $"{sp.GetService<Cluster.ClusterNode>()?.Id ?? Environment.MachineName}:notifications";
            o.Queues = [NotificationJobs.Queue];
            o.WorkerCount = 2;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHostedService<NotificationJobsSetup>();
        return builder;
    }
}
