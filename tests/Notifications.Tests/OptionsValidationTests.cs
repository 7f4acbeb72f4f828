using Microsoft.Extensions.Configuration;

namespace P4Flow.Notifications.Tests;

/// <summary>A bad `notifications:` value stops the start, and the message names its key as written in master.yaml.</summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("p4flow-notify-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IReadOnlyList<string> Failures(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(NotificationOptions.Section).Get<NotificationOptions>() ?? new NotificationOptions();
        var result = new NotificationOptionsValidation(configuration).Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    private string Secret(string name, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, "https://hooks.example.com/services/T0/B0/x\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private Dictionary<string, string?> Valid() => new()
    {
        ["notifications:public_url"] = "https://p4flow.example.com",
        ["notifications:channels:mail:type"] = "email",
        ["notifications:channels:mail:host"] = "smtp.example.com",
        ["notifications:channels:mail:port"] = "587",
        ["notifications:channels:mail:user"] = "p4flow",
        ["notifications:channels:mail:password_file"] = Secret("smtp"),
        ["notifications:channels:mail:from"] = "P4Flow <p4flow@example.com>",
        ["notifications:channels:hook:type"] = "webhook",
        ["notifications:channels:hook:url"] = "https://ci.example.com/p4flow",
        ["notifications:channels:hook:secret_file"] = Secret("hook"),
        ["notifications:channels:chat:type"] = "slack",
        ["notifications:channels:chat:url_file"] = Secret("slack"),
        ["notifications:events:needs_resolve:0"] = "mail",
        ["notifications:events:needs_resolve:1"] = "chat",
        ["notifications:events:failed:0"] = "hook",
        ["notifications:people:alice"] = "alice@example.com",
        ["notifications:branches://depot/rel:0"] = "rel@example.com",
        ["notifications:reminders:0"] = "5m",
        ["notifications:reminders:1"] = "1h",
    };

    [Fact]
    public void Validate_AFullConfiguration_Passes() => Assert.Empty(Failures(Valid()));

    [Fact]
    public void Validate_NoSection_Passes() => Assert.Empty(Failures([]));

    [Theory]
    [InlineData("notifications:channels:mail:type", "pigeon", "notifications.channels.mail.type must be one of email, webhook, slack, file (got 'pigeon').")]
    [InlineData("notifications:channels:mail:port", "70000", "notifications.channels.mail.port must be between 1 and 65535 (got 70000).")]
    [InlineData("notifications:channels:mail:security", "ssl", "notifications.channels.mail.security must be one of starttls, tls, none (got 'ssl').")]
    [InlineData("notifications:channels:mail:from", "p4flow at example", "notifications.channels.mail.from must be an email address (got 'p4flow at example').")]
    [InlineData("notifications:channels:hook:url", "ftp://ci.example.com", "notifications.channels.hook.url must be an http or https address (got 'ftp://ci.example.com').")]
    [InlineData("notifications:events:needs_resolve:1", "pager", "notifications.events.needs_resolve names channel 'pager', which is not one of notifications.channels (chat, hook, mail).")]
    [InlineData("notifications:events:merged:0", "mail", "notifications.events.merged is not an event; the events are needs_resolve, continue_conflicts, reminder, failed, completed, agent_lost, agent_circuit_open, server_circuit_open, alert, incident.")]
    [InlineData("notifications:people:bob", "bob", "notifications.people.bob must be an email address (got 'bob').")]
    [InlineData("notifications:reminders:1", "2m", "notifications.reminders[1] (2m) must come after 5m.")]
    [InlineData("notifications:reminders:1", "soon", "notifications.reminders[1] must be a duration above 0 such as 10m or 1h (got 'soon').")]
    [InlineData("notifications:public_url", "p4flow.example.com", "notifications.public_url must be an http or https address such as https://p4flow.example.com (got 'p4flow.example.com').")]
    [InlineData("notifications:channels:mail:hots", "smtp.example.com", "notifications.channels.mail.hots is not a setting; the settings are from, host, password_env, password_file, path, people, port, secret_env, secret_file, security, to, type, url, url_env, url_file, user.")]
    [InlineData("notifications:remnders:0", "5m", "notifications.remnders is not a setting; the settings are branches, channels, events, people, public_url, reminder_check_interval, reminder_repeat, reminders, retry, timeout.")]
    public void Validate_OneBadValue_NamesItsKey(string key, string value, string expected)
    {
        var settings = Valid();
        settings[key] = value;
        Assert.Equal([expected], Failures(settings));
    }

    [Fact]
    public void Validate_PasswordWrittenInTheYamlWay_IsNotASetting()
    {
        var settings = Valid();
        settings["notifications:channels:mail:password"] = "hunter22";
        var failure = Assert.Single(Failures(settings));
        Assert.StartsWith("notifications.channels.mail.password is not a setting", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SecretFileOthersMayRead_Refused()
    {
        var settings = Valid();
        settings["notifications:channels:hook:secret_file"] = Secret("open", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var failure = Assert.Single(Failures(settings));
        Assert.StartsWith("notifications.channels.hook.secret_file ", failure, StringComparison.Ordinal);
        Assert.EndsWith("may be read by others (mode 604); make it 0600.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WebhookWithoutSecret_Refused()
    {
        var settings = Valid();
        settings.Remove("notifications:channels:hook:secret_file");
        Assert.Equal(["notifications.channels.hook must name secret_env or secret_file: every webhook body is signed with it."], Failures(settings));
    }

    [Fact]
    public void Validate_SlackAddressInTheYaml_RefusedWithoutRepeatingIt()
    {
        var settings = Valid();
        settings["notifications:channels:chat:url"] = "https://hooks.slack.com/services/T0/B0/very-secret";
        var failure = Assert.Single(Failures(settings));
        Assert.Equal("notifications.channels.chat.url must not be written in the configuration: a Slack webhook's address is its credential; use url_env or url_file.", failure);
    }

    [Fact]
    public void Validate_SmtpUserWithoutPassword_Refused()
    {
        var settings = Valid();
        settings.Remove("notifications:channels:mail:password_file");
        Assert.Equal(["notifications.channels.mail names user p4flow but neither password_env nor password_file."], Failures(settings));
    }

    [Fact]
    public void Validate_PasswordEnvNotSet_Refused()
    {
        var settings = Valid();
        settings.Remove("notifications:channels:mail:password_file");
        settings["notifications:channels:mail:password_env"] = "P4FLOW_TEST_UNSET_SMTP_PASSWORD";
        Assert.Equal(["notifications.channels.mail.password_env names P4FLOW_TEST_UNSET_SMTP_PASSWORD, which is not set in the orchestrator's environment."], Failures(settings));
    }
}
