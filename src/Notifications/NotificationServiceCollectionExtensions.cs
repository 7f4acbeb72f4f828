using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Notifications from `notifications:` (validated at start). The host gives an <see cref="IDeliveryTrigger"/> that
    /// runs <c>NotificationDelivery.DeliverDueAsync</c> in the background, and may give an <see cref="IPersonDirectory"/>
    /// (people's addresses from Perforce) and <see cref="IKnownSecrets"/> of its own.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>>(new NotificationOptionsValidation(configuration));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPersonDirectory, NoPersonDirectory>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<IWorkflowEventSource, JobEvents>();
        services.AddSingleton<IWorkflowObserver, OutboxObserver>();
        services.AddSingleton<People>();
        services.AddSingleton<ChannelSet>();
        services.AddSingleton<IKnownSecrets, ChannelSecrets>();
        services.AddSingleton<SecretScrubber>();
        services.AddSingleton<NotificationDelivery>();
        services.AddSingleton<Reminders>();
        services.AddSingleton<Acknowledgements>();
        return services;
    }
}
