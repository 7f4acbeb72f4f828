using Microsoft.Extensions.Configuration;

namespace P4Flow.Notifications;

/// <summary>The `notifications:` section of master.yaml: channels, which events go to which channel, and who people are.</summary>
public sealed class NotificationOptions
{
    public const string Section = "notifications";

    /// <summary>The Studio's address as people reach it (e.g. https://p4flow.example.com); messages link to a job's page there.</summary>
    [ConfigurationKeyName("public_url")]
    public string? PublicUrl { get; set; }

    [ConfigurationKeyName("channels")]
    public Dictionary<string, ChannelOptions> Channels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Event name to the channels that deliver it (see <see cref="Topics"/>).</summary>
    [ConfigurationKeyName("events")]
    public Dictionary<string, List<string>> Events { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A Perforce user's address when it is not (or must not be) the Email of their Perforce user spec.</summary>
    [ConfigurationKeyName("people")]
    public Dictionary<string, string> People { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Addresses told about every job into a branch (key: its depot path, e.g. //depot/rel) or along an edge (key:
    /// "//depot/main -> //depot/rel").
    /// </summary>
    [ConfigurationKeyName("branches")]
    public Dictionary<string, List<string>> Branches { get; set; } = new(StringComparer.Ordinal);

    /// <summary>When a job parked in NEEDS_RESOLVE is brought up again, counted from when it parked: 10m, 1h, 90s.</summary>
    [ConfigurationKeyName("reminders")]
    public List<string>? RemindersSetting { get; set; }

    // The binder adds a list's items to the ones it already has: the defaults stay out of the bound property.
    public IReadOnlyList<string> Reminders => RemindersSetting ?? ["10m", "20m", "30m", "60m"];

    /// <summary>After the last of <see cref="Reminders"/>, a reminder every this long until someone acknowledges; 0 for none.</summary>
    [ConfigurationKeyName("reminder_repeat")]
    public string ReminderRepeat { get; set; } = "1h";

    /// <summary>How often parked jobs are checked for a due reminder.</summary>
    [ConfigurationKeyName("reminder_check_interval")]
    public int ReminderCheckInterval { get; set; } = 30;

    /// <summary>Waits between delivery attempts; after the last one fails, the message is marked failed.</summary>
    [ConfigurationKeyName("retry")]
    public List<string>? RetrySetting { get; set; }

    public IReadOnlyList<string> Retry => RetrySetting ?? ["5s", "30s", "2m", "10m", "30m", "1h", "3h"];

    /// <summary>Seconds one delivery attempt may take (connect, send, answer) before it counts as failed.</summary>
    [ConfigurationKeyName("timeout")]
    public int Timeout { get; set; } = 15;
}

/// <summary>One channel: an SMTP server, a signed webhook, a Slack incoming webhook, or a JSON-lines file.</summary>
public sealed class ChannelOptions
{
    public const string Email = "email";
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string File = "file";

    [ConfigurationKeyName("type")]
    public string Type { get; set; } = "";

    // email
    [ConfigurationKeyName("host")]
    public string? Host { get; set; }

    [ConfigurationKeyName("port")]
    public int Port { get; set; }

    /// <summary>starttls (default), tls (implicit, usually port 465) or none (loopback test servers only).</summary>
    [ConfigurationKeyName("security")]
    public string Security { get; set; } = "starttls";

    [ConfigurationKeyName("user")]
    public string? User { get; set; }

    [ConfigurationKeyName("password_env")]
    public string? PasswordEnv { get; set; }

    [ConfigurationKeyName("password_file")]
    public string? PasswordFile { get; set; }

    [ConfigurationKeyName("from")]
    public string? From { get; set; }

    /// <summary>Addresses told about every event the channel delivers, besides the job's people.</summary>
    [ConfigurationKeyName("to")]
    public List<string> To { get; set; } = [];

    /// <summary>Whether the job's people are told too: who started it, the conflict's owners, the branch's addresses.</summary>
    [ConfigurationKeyName("people")]
    public bool People { get; set; } = true;

    // webhook and slack
    [ConfigurationKeyName("url")]
    public string? Url { get; set; }

    /// <summary>A Slack incoming webhook's URL is its credential: it comes from a secret source, like a password.</summary>
    [ConfigurationKeyName("url_env")]
    public string? UrlEnv { get; set; }

    [ConfigurationKeyName("url_file")]
    public string? UrlFile { get; set; }

    [ConfigurationKeyName("secret_env")]
    public string? SecretEnv { get; set; }

    [ConfigurationKeyName("secret_file")]
    public string? SecretFile { get; set; }

    // file
    [ConfigurationKeyName("path")]
    public string? Path { get; set; }
}
