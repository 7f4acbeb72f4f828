using System.Net.Mail;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using P4Flow.Protocol.Security;

namespace P4Flow.Notifications;

/// <summary>Checks `notifications:` at start; each failure names its key as written in master.yaml.</summary>
internal sealed class NotificationOptionsValidation(IConfiguration? configuration = null) : IValidateOptions<NotificationOptions>
{
    private const string Key = NotificationOptions.Section;
    private static readonly string[] Securities = ["starttls", "tls", "none"];
    private static readonly string[] Types = [ChannelOptions.Email, ChannelOptions.Webhook, ChannelOptions.Slack, ChannelOptions.File];

    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string?>();
        if (configuration?.GetSection(Key) is { } section)
        {
            failures.AddRange(UnknownKeys(section, typeof(NotificationOptions), Key));
            foreach (var channel in section.GetSection("channels").GetChildren())
                failures.AddRange(UnknownKeys(channel, typeof(ChannelOptions), $"{Key}.channels.{channel.Key}"));
        }
        if (options.PublicUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            failures.Add($"{Key}.public_url must be an http or https address such as https://p4flow.example.com (got '{url}').");
        foreach (var (channelName, channel) in options.Channels) failures.AddRange(Channel($"{Key}.channels.{channelName}", channel));
        foreach (var (topic, channels) in options.Events)
        {
            if (!Topics.All.Contains(topic))
            {
                failures.Add($"{Key}.events.{topic} is not an event; the events are {string.Join(", ", Topics.All)}.");
                continue;
            }
            foreach (var channel in channels.Where(c => !options.Channels.ContainsKey(c)))
                failures.Add($"{Key}.events.{topic} names channel '{channel}', which is not one of {Key}.channels ({Known(options.Channels.Keys)}).");
        }
        foreach (var (user, address) in options.People)
            failures.Add(Address($"{Key}.people.{user}", address));
        foreach (var (branch, addresses) in options.Branches)
        {
            failures.Add(BranchKey($"{Key}.branches", branch));
            failures.AddRange(addresses.Select((a, i) => Address($"{Key}.branches.{branch}[{i}]", a)));
        }
        for (var i = 0; i < options.Reminders.Count; i++)
            failures.Add(Durations.TryParse(options.Reminders[i], out var at) && at > TimeSpan.Zero
                ? (i > 0 && Durations.TryParse(options.Reminders[i - 1], out var previous) && at <= previous
                    ? $"{Key}.reminders[{i}] ({options.Reminders[i]}) must come after {options.Reminders[i - 1]}." : null)
                : $"{Key}.reminders[{i}] must be a duration above 0 such as 10m or 1h (got '{options.Reminders[i]}').");
        failures.Add(Durations.TryParse(options.ReminderRepeat, out var repeat) && (repeat == TimeSpan.Zero || repeat >= TimeSpan.FromSeconds(1))
            ? null : $"{Key}.reminder_repeat must be a duration such as 1h, or 0 for no repeats (got '{options.ReminderRepeat}').");
        failures.Add(options.ReminderCheckInterval is < 1 or > 3600 ? $"{Key}.reminder_check_interval must be between 1 and 3600 seconds (got {options.ReminderCheckInterval})." : null);
        for (var i = 0; i < options.Retry.Count; i++)
            failures.Add(Durations.TryParse(options.Retry[i], out var wait) && wait > TimeSpan.Zero
                ? null : $"{Key}.retry[{i}] must be a duration above 0 such as 30s or 5m (got '{options.Retry[i]}').");
        failures.Add(options.Timeout is < 1 or > 300 ? $"{Key}.timeout must be between 1 and 300 seconds (got {options.Timeout})." : null);
        var found = failures.OfType<string>().ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }

    private static IEnumerable<string?> Channel(string key, ChannelOptions channel)
    {
        if (!Types.Contains(channel.Type))
        {
            yield return $"{key}.type must be one of {string.Join(", ", Types)} (got '{channel.Type}').";
            yield break;
        }
        switch (channel.Type)
        {
            case ChannelOptions.Email:
                yield return string.IsNullOrWhiteSpace(channel.Host) ? $"{key}.host must name the SMTP server." : null;
                yield return channel.Port is < 1 or > 65_535 ? $"{key}.port must be between 1 and 65535 (got {channel.Port})." : null;
                yield return Securities.Contains(channel.Security) ? null : $"{key}.security must be one of {string.Join(", ", Securities)} (got '{channel.Security}').";
                yield return string.IsNullOrWhiteSpace(channel.From) ? $"{key}.from must be the sender's address, such as \"P4Flow <p4flow@example.com>\"." : Address($"{key}.from", channel.From);
                var hasPassword = !string.IsNullOrEmpty(channel.PasswordEnv) || !string.IsNullOrEmpty(channel.PasswordFile);
                yield return hasPassword && string.IsNullOrWhiteSpace(channel.User) ? $"{key}.user must be set when a password is." : null;
                yield return !hasPassword && !string.IsNullOrWhiteSpace(channel.User) ? $"{key} names user {channel.User} but neither password_env nor password_file." : null;
                yield return SecretSource.Problem(key, "password_env", channel.PasswordEnv, "password_file", channel.PasswordFile);
                for (var i = 0; i < channel.To.Count; i++) yield return Address($"{key}.to[{i}]", channel.To[i]);
                yield return channel.To.Count == 0 && !channel.People ? $"{key} tells nobody: give it addresses in to, or set people to true." : null;
                break;
            case ChannelOptions.Webhook:
                yield return Url($"{key}.url", channel.Url);
                yield return string.IsNullOrEmpty(channel.SecretEnv) && string.IsNullOrEmpty(channel.SecretFile)
                    ? $"{key} must name secret_env or secret_file: every webhook body is signed with it." : null;
                yield return SecretSource.Problem(key, "secret_env", channel.SecretEnv, "secret_file", channel.SecretFile);
                break;
            case ChannelOptions.Slack:
                yield return channel.Url is not null ? $"{key}.url must not be written in the configuration: a Slack webhook's address is its credential; use url_env or url_file." : null;
                yield return string.IsNullOrEmpty(channel.UrlEnv) && string.IsNullOrEmpty(channel.UrlFile) ? $"{key} must name url_env or url_file." : null;
                var problem = SecretSource.Problem(key, "url_env", channel.UrlEnv, "url_file", channel.UrlFile);
                yield return problem ?? Url($"{key}.url_env/url_file", SecretSource.Read(channel.UrlEnv, channel.UrlFile), hideValue: true);
                break;
            case ChannelOptions.File:
                yield return string.IsNullOrWhiteSpace(channel.Path) ? $"{key}.path must name the file messages are appended to." : null;
                break;
        }
    }

    private static string? Url(string key, string? url, bool hideValue = false) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null : $"{key} must be an http or https address{(hideValue ? "" : $" (got '{url}')")}.";

    private static string? Address(string key, string? address) =>
        MailAddress.TryCreate(address, out _) ? null : $"{key} must be an email address (got '{address}').";

    private static string? BranchKey(string key, string branch)
    {
        var parts = branch.Split(" -> ", StringSplitOptions.TrimEntries);
        return parts.Length is 1 or 2 && parts.All(p => p.StartsWith("//", StringComparison.Ordinal) && !p.Contains("...", StringComparison.Ordinal))
            ? null : $"{key} holds '{branch}', which is neither a depot path (//depot/rel) nor an edge (//depot/main -> //depot/rel).";
    }

    private static string Known(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none is configured";

    /// <summary>Keys the binder would silently drop: a misspelt one must stop the start, not be ignored.</summary>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, Type options, string key)
    {
        var known = options.GetProperties().Select(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return section.GetChildren().Where(c => !known.Contains(c.Key))
            .Select(c => $"{key}.{c.Key} is not a setting; the settings are {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
    }
}
