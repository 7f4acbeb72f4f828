using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Protocol.Security;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Trust;

/// <summary>The HS256 secret of command tokens, resolved once at start (see <see cref="Resolve"/>).</summary>
public sealed record CommandTokenSecret(string Value)
{
    public const string DemoFile = "data/jwt_secret";

    /// <summary>
    /// security.jwt_secret, else JWT_SECRET; in demo mode, else one generated once and kept in data/jwt_secret
    /// (mode 0600). Outside demo mode a missing or short secret stops the start with the reason.
    /// </summary>
    public static CommandTokenSecret Resolve(IConfiguration configuration, bool demo)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secret = configuration["security:jwt_secret"];
        if (string.IsNullOrEmpty(secret)) secret = Environment.GetEnvironmentVariable(CommandToken.SecretVariable);
        if (string.IsNullOrEmpty(secret) && demo) secret = CommandToken.LoadOrCreateSecretFile(Path.GetFullPath(DemoFile));
        if (CommandToken.CheckSecret(secret, "JWT_SECRET (or security.jwt_secret)") is { } problem)
            throw new OptionsValidationException(HubSecurityOptions.Section, typeof(HubSecurityOptions), [problem + " It is required when commands.runner is agents (outside demo mode); give the agents the same secret."]);
        return new CommandTokenSecret(secret!);
    }

    public override string ToString() => "CommandTokenSecret(***)";
}

/// <summary>
/// Gives each command its token (JWT: cmd_id, agent_id, exp, nonce) and then signs it for the agent it goes to,
/// with the key `certs init` wrote (server.ssl.command_key_file).
/// </summary>
public sealed partial class CommandSigner(IOptions<HubTlsOptions> tls, IOptions<HubSecurityOptions> security, CommandTokenSecret secret, TimeProvider clock, ILogger<CommandSigner> logger) : IDisposable
{
    // Loaded on first use: hosts that never send a command (tests of other parts, `certs`) need no key.
    private readonly Lazy<RSA> _key = new(() => LoadKey(tls.Value, logger));

    // Kept: it hashes the whole public key, which would cost each signature more than a tenth of a millisecond.
    private string KeyId => field ??= CommandSignature.KeyId(_key.Value);

    private static RSA LoadKey(HubTlsOptions tls, ILogger logger)
    {
        var file = HubCertificates.CommandKeyFile(tls);
        if (!File.Exists(file))
            throw new InvalidOperationException($"server.ssl.command_key_file {file} does not exist: run `certs init` to create the command-signing key.");
        var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(file));
        var bits = key.KeySize;
        if (bits < CommandSignature.KeySizes[0])
        {
            key.Dispose();
            throw new InvalidOperationException($"server.ssl.command_key_file {file} holds a {bits}-bit RSA key; commands are signed with at least {CommandSignature.KeySizes[0]} bits. Make a new key of server.ssl.command_key_bits ({tls.CommandKeyBits}) bits and pin it on the agents (see certs/README.md, rotating the command-signing key).");
        }
        // `certs init` keeps a key it finds, so a changed server.ssl.command_key_bits takes effect only by rotation.
        if (bits != tls.CommandKeyBits) LogKeySize(logger, file, bits, tls.CommandKeyBits);
        return key;
    }

    [LoggerMessage(4020, LogLevel.Warning, "The command-signing key {File} has {Bits} bits, not the {Configured} of server.ssl.command_key_bits: `certs init` keeps an existing key; rotate it to change its size (certs/README.md)")]
    private static partial void LogKeySize(ILogger logger, string file, int bits, int configured);

    /// <summary>Sets the token, then the signature (which covers the token); call once cmd_id is set.</summary>
    public void Sign(Command command, string agentId)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Token = CommandToken.Create(secret.Value, command.CmdId, agentId, TimeSpan.FromSeconds(security.Value.TokenExpiry), clock.GetUtcNow());
        CommandSignature.Sign(command, agentId, _key.Value, KeyId);
    }

    /// <summary>Signs a JobEnded for the agent it goes to: it has the agent remove the job's folder.</summary>
    public void Sign(JobEnded ended, string agentId)
    {
        ArgumentNullException.ThrowIfNull(ended);
        CommandSignature.Sign(ended, agentId, _key.Value, KeyId);
    }

    public void Dispose()
    {
        if (_key.IsValueCreated) _key.Value.Dispose();
    }
}
