using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using P4Flow.Orchestrator.Audit;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Security;

/// <summary>Bearer tokens, API keys, and the Studio's sign-in and sign-out.</summary>
internal static class AuthEndpoints
{
    public sealed record TokenRequest(string? Username, string? Password);

    public sealed record TokenAnswer(string Token, DateTime ExpiresAt, string Role);

    public sealed record KeyRequest(string? Name, string? Role);

    public sealed record KeyCreated(string Id, string Name, string Role, string Key);

    public sealed record UserRequest(string? Role, string? Password);

    /// <param name="Via">How the caller signed in: api-key, token (a bearer token) or cookie (the Studio).</param>
    public sealed record Identity(string Name, string Role, string Via);

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Open to all because it takes the credentials itself (an API key header, or a user name and password);
        // it answers 401 without valid ones. A bearer token cannot renew itself here.
        app.MapPost("/api/auth/token", async (TokenRequest? request, HttpContext context, CredentialStore store, ApiTokens tokens, SecurityEvents events, SignInThrottle throttle) =>
        {
            if (request?.Username is { Length: > 0 } name && throttle.Blocked(context, name)) return TooManyFailures(context, name, events);
            var user = await Authenticate(context, request, store, events, throttle);
            if (user is null) return Results.Problem(title: "Unauthorized", detail: "Give an API key (X-Api-Key) or a user name and password.", statusCode: 401);
            var (token, expires) = tokens.Issue(user);
            return Results.Ok(new TokenAnswer(token, expires, user.FindFirstValue(ClaimTypes.Role) ?? ""));
        }).AllowAnonymous().WithTags("Auth").WithSummary("A short-lived bearer token for an API key or a user name and password.");

        app.MapGet("/api/auth/whoami", (ClaimsPrincipal user) => new Identity(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "", Via(user)))
            .RequireAuthorization(Roles.Viewer).WithTags("Auth").WithSummary("Who the caller is signed in as, with which role and how.");

        var keys = app.MapGroup("/api/keys").WithTags("Auth").RequireAuthorization(Roles.Admin);
        keys.MapGet("/", (CredentialStore store) => store.ListApiKeys()).WithSummary("API keys (never the keys themselves).");
        keys.MapPost("/", (KeyRequest request, CredentialStore store, ClaimsPrincipal user, SecurityEvents events) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100) throw new WorkflowInputException("name", "name (1 to 100 characters) is required.");
            if (!Roles.IsRole(request.Role)) throw new WorkflowInputException("role", $"role must be one of {string.Join(", ", Roles.All)}.");
            var (info, key) = store.CreateApiKey(request.Name, request.Role!);
            events.KeyChanged(user, AuditLog.KeyCreated, info);
            return Results.Created($"/api/keys/{info.Id}", new KeyCreated(info.Id, info.Name, info.Role, key));
        }).WithSummary("Creates an API key for a user and role; the key is in this answer only, and stored hashed.");
        keys.MapDelete("/{id}", (string id, CredentialStore store, ClaimsPrincipal user, SecurityEvents events) =>
        {
            var info = store.ListApiKeys().FirstOrDefault(k => k.Id == id);
            if (info is null || !store.RevokeApiKey(id)) throw new WorkflowNotFoundException($"API key {id} does not exist.");
            events.KeyChanged(user, AuditLog.KeyRevoked, info);
            return Results.NoContent();
        }).WithSummary("Revokes an API key at once.");

        app.MapPut("/api/users/{name}", (string name, UserRequest request, CredentialStore store, ClaimsPrincipal user, SecurityEvents events) =>
        {
            if (!Roles.IsRole(request.Role)) throw new WorkflowInputException("role", $"role must be one of {string.Join(", ", Roles.All)}.");
            if (request.Password is not { Length: >= 12 }) throw new WorkflowInputException("password", "password needs at least 12 characters.");
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100) throw new WorkflowInputException("name", "name (1 to 100 characters) is required.");
            store.SetUser(name, request.Role!, request.Password);
            events.UserSaved(user, name, request.Role!);
            return Results.NoContent();
        }).RequireAuthorization(Roles.Admin).WithTags("Auth").WithSummary("Adds or replaces a Studio user with a role and password (stored hashed).");

        app.MapGet("/login", (string? returnUrl, string? failed) => Results.Content(LoginPage.Render(LocalUrl(returnUrl), failed is not null), "text/html"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/auth/login", async (HttpContext context, CredentialStore store, SecurityEvents events, SignInThrottle throttle) =>
        {
            if (!context.Request.HasFormContentType)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a form (application/x-www-form-urlencoded) with username and password is required"] });
            var form = await context.Request.ReadFormAsync();
            var name = form["username"].ToString();
            var returnUrl = LocalUrl(form["returnUrl"].ToString());
            if (throttle.Blocked(context, name)) return TooManyFailures(context, name, events);
            var user = CheckPassword(context, name, form["password"].ToString(), store, events, throttle);
            if (user is null) return Results.Redirect($"/login?failed=1&returnUrl={WebUtility.UrlEncode(returnUrl)}");
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityExtensions.Principal(user.Name, user.Role, CookieAuthenticationDefaults.AuthenticationScheme, CredentialStore.UserSource(user.Name)));
            return Results.Redirect(returnUrl);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/auth/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).RequireAuthorization(Roles.Viewer).DisableAntiforgery().ExcludeFromDescription();
    }

    private static string Via(ClaimsPrincipal user) => user.Identity?.AuthenticationType switch
    {
        ApiKeyAuthenticationHandler.SchemeName => "api-key",
        CookieAuthenticationDefaults.AuthenticationScheme => "cookie",
        _ => "token",
    };

    private static async Task<ClaimsPrincipal?> Authenticate(HttpContext context, TokenRequest? request, CredentialStore store, SecurityEvents events, SignInThrottle throttle)
    {
        if (ApiKeyAuthenticationHandler.KeyOf(context.Request) is not null)
        {
            var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            return result.Succeeded ? result.Principal : null;
        }
        if (string.IsNullOrEmpty(request?.Username)) return null;
        var user = CheckPassword(context, request.Username, request.Password ?? "", store, events, throttle);
        return user is null ? null : SecurityExtensions.Principal(user.Name, user.Role, "password", CredentialStore.UserSource(user.Name));
    }

    /// <summary>The user when the password is right; a failure is audited and counted against this caller and name.</summary>
    private static UserInfo? CheckPassword(HttpContext context, string name, string password, CredentialStore store, SecurityEvents events, SignInThrottle throttle)
    {
        var user = store.VerifyPassword(name, password);
        if (user is not null) return user;
        throttle.Failed(context, name);
        events.LoginFailed(context, "password", name, "wrong user name or password");
        return null;
    }

    private static IResult TooManyFailures(HttpContext context, string? name, SecurityEvents events)
    {
        events.LoginFailed(context, "password", name, "too many failed attempts: refused until the window ends");
        return Results.Problem(title: "Too many failed sign-ins", detail: "Too many failed attempts for this user from here; try again later.", statusCode: StatusCodes.Status429TooManyRequests);
    }

    // Only paths on this site: an open redirect would let a link send people elsewhere after login.
    // ASP.NET Core's own rule, which also refuses "/\t/evil.example" (browsers drop the tab and go off-site).
    private static string LocalUrl(string? url) => RedirectHttpResult.IsLocalUrl(url) ? url! : "/";
}
