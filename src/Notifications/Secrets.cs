namespace P4Flow.Notifications;

/// <summary>Secrets a message must never carry (passwords, keys, webhook secrets), given by whoever holds them.</summary>
public interface IKnownSecrets
{
    IEnumerable<string> Values();
}

/// <summary>The notification channels' own secrets: SMTP passwords, webhook secrets, Slack addresses.</summary>
internal sealed class ChannelSecrets(Microsoft.Extensions.Options.IOptions<NotificationOptions> options) : IKnownSecrets
{
    public IEnumerable<string> Values()
    {
        foreach (var channel in options.Value.Channels.Values)
        {
            foreach (var value in new[]
            {
                Protocol.Security.SecretSource.Read(channel.PasswordEnv, channel.PasswordFile),
                Protocol.Security.SecretSource.Read(channel.SecretEnv, channel.SecretFile),
                Protocol.Security.SecretSource.Read(channel.UrlEnv, channel.UrlFile),
            })
            {
                if (!string.IsNullOrEmpty(value)) yield return value;
            }
        }
    }
}

/// <summary>Blanks every known secret in a message's words before it leaves, whatever put it there.</summary>
internal sealed class SecretScrubber(IEnumerable<IKnownSecrets> sources)
{
    public const string Mask = "***";

    public string Scrub(string text)
    {
        foreach (var secret in Secrets())
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    private IEnumerable<string> Secrets()
    {
        var all = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                all.AddRange(source.Values());
            }
            catch (IOException)
            {
                // A secret file that cannot be read now cannot leak from it either.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        // Longest first, so a secret that contains another is blanked whole; very short values would blank ordinary words.
        return all.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length);
    }
}
