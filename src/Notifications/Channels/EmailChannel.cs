using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using P4Flow.Protocol.Security;
using P4Flow.Workflows.Outbox;

namespace P4Flow.Notifications.Channels;

/// <summary>Mail over SMTP with MailKit: STARTTLS (default) or implicit TLS, with a login when a password source is set.</summary>
internal sealed class EmailChannel(ChannelOptions options, TimeSpan timeout) : INotificationChannel
{
    public bool ToPeople => options.People;

    public async Task<IReadOnlyList<string>> SendAsync(OutboxMessage message, RenderedMessage text, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var to = recipients.Concat(options.To).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (to.Count == 0) throw new NobodyToTellException("nobody to write to: no address was found for the job's people and the channel has no `to`");
        using var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(options.From!));
        foreach (var address in to) mail.To.Add(MailboxAddress.Parse(address));
        mail.Subject = text.Subject;
        // The same Message-ID on every retry: a mail system that saw it already may drop the copy.
        mail.MessageId = MessageIdOf(message.Id);
        mail.Headers.Add("X-P4Flow-Event", message.Topic);
        mail.Headers.Add(WebhookSignature.IdempotencyHeader, message.Id);
        mail.Body = new TextPart("plain") { Text = text.Body };

        using var smtp = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        var security = options.Security switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(options.Host!, options.Port, security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.User))
        {
            // Read now and dropped after the login: the password is never kept, logged or put in a message.
            var password = SecretSource.Read(options.PasswordEnv, options.PasswordFile) ?? "";
            await smtp.AuthenticateAsync(options.User, password, cancellationToken).ConfigureAwait(false);
        }
        await smtp.SendAsync(mail, cancellationToken).ConfigureAwait(false);
        await smtp.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return to;
    }

    /// <summary>An RFC 5322 id-left made from the message id (which holds '/' and ':').</summary>
    internal static string MessageIdOf(string id) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..32] + "@p4flow";
}

/// <summary>A message no one can receive: retrying will not help, so it is marked failed at once.</summary>
internal sealed class NobodyToTellException(string message) : Exception(message);
