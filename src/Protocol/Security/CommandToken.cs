using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace P4Flow.Protocol.Security;

/// <summary>What a valid command token says.</summary>
public sealed record CommandTokenClaims(string Nonce, DateTimeOffset Expires);

/// <summary>
/// The one-time token in each command: an HS256 JWT (secret JWT_SECRET, shared by the hub and its agents) naming
/// the cmd_id and the agent, with an expiry and a random nonce the agent accepts only once.
/// </summary>
public static class CommandToken
{
    public const string SecretVariable = "JWT_SECRET";
    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinSecretBytes = 32;
    private const string CmdIdClaim = "cmd_id";
    private const string AgentIdClaim = "agent_id";
    private const string NonceClaim = "nonce";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    /// <summary>The key of the last secret used: a process has one secret, and every command is signed and checked with it.</summary>
    private static SecretKey? _key;

    /// <summary>Null when the secret is usable; otherwise why not (naming <paramref name="key"/>).</summary>
    public static string? CheckSecret(string? secret, string key) =>
        string.IsNullOrEmpty(secret) ? $"{key} is not set: command tokens (HS256) need a shared secret."
        : Encoding.UTF8.GetByteCount(secret) < MinSecretBytes ? $"{key} must be at least {MinSecretBytes} bytes long (HS256 needs a 256-bit key)."
        : null;

    /// <summary>A new random secret for the demo: 48 random bytes, base64url.</summary>
    public static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(48));

    /// <summary>The secret kept in <paramref name="path"/>, made (random, mode 0600) when the file does not exist yet.</summary>
    public static string LoadOrCreateSecretFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var secret = NewSecret();
        Certificates.CertificateFiles.WriteText(path, secret, Certificates.CertificateFiles.PrivateMode);
        return secret;
    }

    public static string Create(string secret, long cmdId, string agentId, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                [CmdIdClaim] = cmdId.ToString(CultureInfo.InvariantCulture),
                [AgentIdClaim] = agentId,
                [NonceClaim] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(Key(secret), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Why a well-signed token is not good now: too late, or too early (the clocks of hub and agent disagree).</summary>
    private static string Lifetime(string token, DateTimeOffset now, TimeSpan skew)
    {
        var jwt = new JsonWebToken(token);
        var at = now.UtcDateTime;
        if (jwt.ValidFrom != DateTime.MinValue && at < jwt.ValidFrom - skew)
            return string.Create(CultureInfo.InvariantCulture,
                $"the token is not valid before {jwt.ValidFrom:yyyy-MM-dd HH:mm:ss} UTC and this agent's clock says {at:yyyy-MM-dd HH:mm:ss} UTC: its clock is {(jwt.ValidFrom - at).TotalSeconds:0} s behind the hub's, more than the {skew.TotalSeconds:0} s allowed (check the time service on both hosts)");
        return string.Create(CultureInfo.InvariantCulture,
            $"the token has expired (at {jwt.ValidTo:yyyy-MM-dd HH:mm:ss} UTC; this agent's clock says {at:yyyy-MM-dd HH:mm:ss} UTC)");
    }

    /// <summary>The token's claims when it is good for this command on this agent now; otherwise the reason in <paramref name="error"/>.</summary>
    public static CommandTokenClaims? Validate(string token, string secret, long cmdId, string agentId, DateTimeOffset now, out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrEmpty(token))
        {
            error = "the command carries no token";
            return null;
        }
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = Key(secret),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            // The clock is passed in so tests (and a future TimeProvider) decide what "now" is.
            LifetimeValidator = (notBefore, expires, _, p) => expires is { } exp && now.UtcDateTime <= exp + p.ClockSkew && (notBefore is not { } nbf || now.UtcDateTime >= nbf - p.ClockSkew),
        };
        // HS256 with a key in hand completes synchronously: nothing is fetched.
        var result = Handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            error = result.Exception switch
            {
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => Lifetime(token, now, parameters.ClockSkew),
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is wrong (another secret)",
                { } ex => "the token is not valid: " + ex.GetType().Name,
                null => "the token is not valid",
            };
            return null;
        }
        var claims = result.Claims;
        string Claim(string name) => claims.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : "";
        if (Claim(AgentIdClaim) != agentId)
        {
            error = $"the token is for agent '{Claim(AgentIdClaim)}', not this one";
            return null;
        }
        if (Claim(CmdIdClaim) != cmdId.ToString(CultureInfo.InvariantCulture))
        {
            error = $"the token is for cmd {Claim(CmdIdClaim)}, not cmd {cmdId}";
            return null;
        }
        var nonce = Claim(NonceClaim);
        if (nonce.Length < 16)
        {
            error = "the token has no nonce";
            return null;
        }
        error = null;
        return new CommandTokenClaims(nonce, new DateTimeOffset(((JsonWebToken)result.SecurityToken).ValidTo, TimeSpan.Zero));
    }

    private static SymmetricSecurityKey Key(string secret)
    {
        var known = Volatile.Read(ref _key);
        if (known is not null && string.Equals(known.Secret, secret, StringComparison.Ordinal)) return known.Key;
        known = new SecretKey(secret, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)));
        Volatile.Write(ref _key, known);
        return known.Key;
    }

    private sealed record SecretKey(string Secret, SymmetricSecurityKey Key);
}
