using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Security;

/// <summary>
/// Authenticates `X-Api-Key: p4f_...` or `Authorization: ApiKey p4f_...` against the hashed keys; a wrong key is a
/// failure (401, audited), never anonymity.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialStore credentials,
    SecurityEvents events)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    private const string AuthorizationPrefix = "ApiKey ";

    /// <summary>The key the request carries, in either header; null when it carries none.</summary>
    public static string? KeyOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue(Header, out var values)) return values.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase) ? authorization[AuthorizationPrefix.Length..].Trim() : null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeyOf(Request) is not { } presented) return Task.FromResult(AuthenticateResult.NoResult());
        var key = credentials.VerifyApiKey(presented);
        if (key is null)
        {
            events.LoginFailed(Context, "api key", null, "unknown or revoked API key");
            return Task.FromResult(AuthenticateResult.Fail("Unknown or revoked API key."));
        }
        var principal = SecurityExtensions.Principal(key.Name, key.Role, SchemeName, CredentialStore.KeySource(key.Id));
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("key_id", key.Id));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
