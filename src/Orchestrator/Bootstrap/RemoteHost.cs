using System.Security.Cryptography;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;
using ConnectionInfo = Renci.SshNet.ConnectionInfo;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>The result of one remote command.</summary>
public sealed record RemoteResult(int ExitCode, string Output, string Error);

/// <summary>
/// An SSH connection (SSH.NET) to a build host whose key was verified before anything was sent: commands, SFTP
/// uploads. Every command is recorded in order, so the audit log can carry a hash of exactly what ran.
/// </summary>
public sealed class RemoteHost : IDisposable
{
    private readonly SshClient _ssh;
    private readonly SftpClient _sftp;
    private readonly List<string> _commands = [];
    private string? _refusal;

    private RemoteHost(ConnectionInfo connection, Func<PresentedHostKey, string?> verify)
    {
        _ssh = new SshClient(connection);
        _sftp = new SftpClient(connection);
        foreach (var client in new BaseClient[] { _ssh, _sftp })
        {
            client.HostKeyReceived += (_, e) =>
            {
                var refusal = verify(new PresentedHostKey(e.HostKeyName, e.HostKey));
                _refusal ??= refusal;
                e.CanTrust = refusal is null;
            };
        }
    }

    public IReadOnlyList<string> Commands => _commands;

    /// <summary>"sha256:" + hex of the commands run, joined by newlines in order.</summary>
    public string CommandHash => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', _commands))));

    /// <summary>Connects, verifies the host key with <paramref name="verify"/> and authenticates with the key file.</summary>
    /// <exception cref="BootstrapStepException">The key was refused, authentication failed or the host is unreachable.</exception>
    public static async Task<RemoteHost> ConnectAsync(string host, int port, string user, string keyFile, TimeSpan timeout, Func<PresentedHostKey, string?> verify, CancellationToken cancellationToken)
    {
        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(keyFile);
        }
        catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new BootstrapStepException($"the SSH key {keyFile} cannot be read: {ex.Message}", ex);
        }
        var connection = new ConnectionInfo(host, port, user, new PrivateKeyAuthenticationMethod(user, key)) { Timeout = timeout };
        var remote = new RemoteHost(connection, verify);
        try
        {
            await remote._ssh.ConnectAsync(cancellationToken).ConfigureAwait(false);
            await remote._sftp.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return remote;
        }
        catch (Exception ex)
        {
            // Whatever stopped the connection (a step timeout too), the half-open session goes.
            remote.Dispose();
            if (ex is not (SshException or System.Net.Sockets.SocketException or TimeoutException or ProxyException)) throw;
            if (remote._refusal is { } refusal) throw new HostKeyRefusedException(refusal, ex);
            if (ex is SshAuthenticationException) throw new BootstrapStepException($"authentication failed: {host}:{port} refused user '{user}' with the key {keyFile} ({ex.Message})", ex);
            throw new BootstrapStepException($"cannot connect to {host}:{port}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a command through the user's shell.</summary>
    /// <exception cref="BootstrapStepException">With <paramref name="check"/>, when it exits non-zero (its stderr in the message).</exception>
    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellationToken, bool check = true)
    {
        _commands.Add(command);
        using var run = _ssh.CreateCommand(command);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        var result = new RemoteResult(run.ExitStatus ?? -1, run.Result, run.Error);
        if (check && result.ExitCode != 0)
            throw new BootstrapStepException($"`{command}` exited {result.ExitCode}: {(result.Error.Length > 0 ? result.Error : result.Output).Trim()}");
        return result;
    }

    /// <summary>Writes a file over SFTP; permissions are set by the caller (the folder it lands in is already owner-only).</summary>
    public Task UploadAsync(Stream content, string path, CancellationToken cancellationToken) =>
        _sftp.UploadFileAsync(content, path, cancellationToken);

    public void Dispose()
    {
        _sftp.Dispose();
        _ssh.Dispose();
    }
}

/// <summary>A step failed for a reason a person can act on; the message names what went wrong.</summary>
public class BootstrapStepException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The host key was not trusted: nothing was sent to the host.</summary>
public sealed class HostKeyRefusedException(string message, Exception? inner = null) : BootstrapStepException(message, inner);

internal static class Sh
{
    /// <summary>One shell word, whatever it holds.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
