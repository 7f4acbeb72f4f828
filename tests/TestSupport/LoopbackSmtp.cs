using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace P4Flow.TestSupport;

/// <summary>
/// A real SMTP server on 127.0.0.1 (the SmtpServer package) that keeps every mail it accepts. It can be stopped and
/// started again on the same port, to play a mail server that is down for a while.
/// </summary>
public sealed class LoopbackSmtp : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _mails = new();
    private CancellationTokenSource? _running;
    private Task? _serving;

    private LoopbackSmtp(int port) => Port = port;

    public int Port { get; }

    /// <summary>The user and password a client must log in with; null accepts mail without a login.</summary>
    public (string User, string Password)? Login { get; init; }

    public IReadOnlyList<ReceivedMail> Mails => [.. _mails];

    /// <summary>A server that is not running yet (its port reserved): start it with <see cref="StartAsync"/>.</summary>
    public static LoopbackSmtp Stopped((string User, string Password)? login = null) => new(Loopback.FreePort()) { Login = login };

    public static async Task<LoopbackSmtp> StartNewAsync((string User, string Password)? login = null)
    {
        var smtp = Stopped(login);
        await smtp.StartAsync();
        return smtp;
    }

    public async Task StartAsync()
    {
        if (_running is not null) return;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).AllowUnsecureAuthentication(true).AuthenticationRequired(Login is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(_mails));
        if (Login is { } login)
            services.Add(new SmtpServer.Authentication.DelegatingUserAuthenticator((user, password) => user == login.User && password == login.Password));
        _running = new CancellationTokenSource();
        var server = new SmtpServer.SmtpServer(options, services);
        _serving = server.StartAsync(_running.Token);
        // Listening once a connection is accepted.
        await Eventually.Until(async () =>
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, up => up, TimeSpan.FromSeconds(30), $"the SMTP server on port {Port} to listen");
    }

    public async Task StopAsync()
    {
        if (_running is null) return;
        await _running.CancelAsync();
        try
        {
            if (_serving is not null) await _serving;
        }
        catch (OperationCanceledException)
        {
        }
        _running.Dispose();
        _running = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class Store(ConcurrentQueue<ReceivedMail> mails) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var to = transaction.To.Select(m => $"{m.User}@{m.Host}").ToList();
            mails.Enqueue(new ReceivedMail(message, to, context.Authentication.User));
            return SmtpResponse.Ok;
        }
    }
}

/// <param name="Envelope">The RCPT TO addresses.</param>
/// <param name="LoggedInAs">The user the client logged in as, or null.</param>
public sealed record ReceivedMail(MimeMessage Message, IReadOnlyList<string> Envelope, string? LoggedInAs)
{
    public string Subject => Message.Subject ?? "";
    public string Body => Message.TextBody ?? "";
}
