using System.Security.Cryptography;
using P4Flow.Agent.State;
using P4Flow.Protocol.Security;
using P4Flow.Protocol.V1;

namespace P4Flow.Agent.Execution;

/// <summary>
/// What a command must pass before the agent acts on it at all (even before answering from the cache): a
/// signature by one of the pinned hub keys over the command and this agent's id, and a command token (JWT) for
/// this agent and this cmd_id that has not expired. Its nonce is spent only when the command is about to run,
/// so the hub resending a command after a reconnect still gets its cached result.
/// </summary>
internal sealed class CommandGuard(IReadOnlyDictionary<string, RSA> keys, Func<string> agentId, string jwtSecret, NonceStore nonces, TimeProvider clock) : IDisposable
{
    /// <summary>Null when the command may be acted on; otherwise why it is refused.</summary>
    public string? Check(Command command, out CommandTokenClaims? token)
    {
        ArgumentNullException.ThrowIfNull(command);
        token = null;
        var id = agentId();
        if (CommandSignature.Verify(command, id, keys) is { } bad) return "signature check failed: " + bad;
        token = CommandToken.Validate(command.Token, jwtSecret, command.CmdId, id, clock.GetUtcNow(), out var error);
        return token is null ? "token check failed: " + error : null;
    }

    /// <summary>Null when the JobEnded is signed by the hub for this agent; otherwise why its folder must stay.</summary>
    public string? Check(JobEnded ended) => CommandSignature.Verify(ended, agentId(), keys) is { } bad ? "signature check failed: " + bad : null;

    /// <summary>Null when the token's nonce is fresh (it is now spent); otherwise why the command is refused.</summary>
    public string? Spend(CommandTokenClaims token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return nonces.TryUse(token.Nonce, token.Expires) ? null : "token check failed: its nonce was used before (a replayed command)";
    }

    public void Dispose()
    {
        foreach (var key in keys.Values) key.Dispose();
    }
}
