using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace P4Flow.Orchestrator.Security;

/// <summary>Short-lived bearer tokens for engineers' scripts, signed with a key kept under data/ (owner-only).</summary>
public sealed class ApiTokens(IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string Issuer = "p4flow";
    public const string Audience = "p4flow-api";
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => LoadOrCreateKey(Path.GetFullPath(options.Value.TokenKeyFile)));

    public SecurityKey SigningKey => _key.Value;

    public (string Token, DateTime ExpiresAt) Issue(ClaimsPrincipal user)
    {
        var expires = clock.GetUtcNow().UtcDateTime.AddSeconds(options.Value.TokenLifetime);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = expires,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            Subject = new ClaimsIdentity(user.Claims.Where(c => c.Type is ClaimTypes.Name or ClaimTypes.Role or CredentialStore.SourceClaim)),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        };
        return (new JsonWebTokenHandler().CreateToken(descriptor), expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = ClaimTypes.Name,
        RoleClaimType = ClaimTypes.Role,
    };

    private static SymmetricSecurityKey LoadOrCreateKey(string path)
    {
        if (!File.Exists(path)) SecretFile.Write(path, RandomNumberGenerator.GetBytes(32), overwrite: false);
        return new SymmetricSecurityKey(File.ReadAllBytes(path));
    }
}
