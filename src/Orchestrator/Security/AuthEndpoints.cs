using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Security;

internal static class AuthEndpoints
{
    public sealed record TokenAnswer(string Token, DateTime ExpiresAt, string Role);

    public sealed record KeyRequest(string? Name, string? Role);

    public sealed record KeyCreated(string Id, string Name, string Role, string Key);

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", (ClaimsPrincipal user, ApiTokens tokens) =>
        {
            var (token, expires) = tokens.Issue(user);
            return new TokenAnswer(token, expires, user.FindFirstValue(ClaimTypes.Role) ?? "");
        }).RequireAuthorization(Roles.Viewer).WithTags("Auth").WithSummary("A short-lived bearer token with the caller's role.");

        var keys = app.MapGroup("/api/keys").WithTags("Auth").RequireAuthorization(Roles.Admin);
        keys.MapGet("/", (CredentialStore store) => store.ListApiKeys());
        keys.MapPost("/", (KeyRequest request, CredentialStore store, ClaimsPrincipal user, SecurityEvents events) =>
        {
            if (string.IsNullOrWhiteSpace(request.Name)) throw new WorkflowInputException("name", "name is required.");
            if (!Roles.IsRole(request.Role)) throw new WorkflowInputException("role", $"role must be one of {string.Join(", ", Roles.All)}.");
            var (info, key) = store.CreateApiKey(request.Name, request.Role!);
            events.Action(user, "KEY_CREATED", $"{info.Name} ({info.Role})", "SUCCESS");
            return Results.Created($"/api/keys/{info.Id}", new KeyCreated(info.Id, info.Name, info.Role, key));
        }).WithSummary("Creates an API key; the key is shown in this answer only.");
        keys.MapDelete("/{id}", (string id, CredentialStore store, ClaimsPrincipal user, SecurityEvents events) =>
        {
            if (!store.RevokeApiKey(id)) throw new WorkflowNotFoundException($"API key {id} does not exist.");
            events.Action(user, "KEY_REVOKED", id, "SUCCESS");
            return Results.NoContent();
        });

        app.MapGet("/login", (string? returnUrl, string? failed) => Results.Content(LoginPage.Render(returnUrl, failed is not null), "text/html"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/auth/login", async (HttpContext context, CredentialStore store, SecurityEvents events) =>
        {
            var form = await context.Request.ReadFormAsync();
            var name = form["username"].ToString();
            var user = store.VerifyPassword(name, form["password"].ToString());
            var returnUrl = LocalUrl(form["returnUrl"].ToString());
            if (user is null)
            {
                events.LoginFailed(context, "password", $"wrong user name or password for '{name}'");
                return Results.Redirect($"/login?failed=1&returnUrl={WebUtility.UrlEncode(returnUrl)}");
            }
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SecurityExtensions.Principal(user.Name, user.Role, CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.Redirect(returnUrl);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/auth/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
    }

    // Only paths on this site: an open redirect would let a link send people elsewhere after login.
    private static string LocalUrl(string url) => url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
