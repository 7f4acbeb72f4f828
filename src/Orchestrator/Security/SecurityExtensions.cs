using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Trust;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Security;

public static class SecurityExtensions
{
    private const string ByRequest = "P4Flow";

    /// <summary>
    /// API keys (X-Api-Key or Authorization: ApiKey), bearer tokens (Authorization: Bearer) and the Studio's sign-in
    /// cookie, chosen per request by what it carries; role policies viewer &lt; operator &lt; designer &lt; admin, and
    /// every route needs at least a signed-in user unless it says otherwise. Unauthenticated API calls get 401 (a
    /// browser opening a page is sent to /login); a role too low gets 403.
    /// </summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        // The audit log serves people's actions even when commands run in-process (no hub).
        services.AddOptions<HubSecurityOptions>().BindConfiguration(HubSecurityOptions.Section);
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton(TimeProvider.System);
        // On PostgreSQL every orchestrator on the database shares the credentials; on one node they are a file of its own.
        var state = builder.Configuration.Section<Configuration.StateManagementOptions, Configuration.StateManagementOptionsValidation>(Configuration.StateManagementOptions.Section);
        // GET /api/audit reads the node's own files, or in a cluster the lines every node copies to the database.
        if (services.Any(d => d.ServiceType == typeof(Cluster.ClusterNode)))
        {
            services.AddSingleton<Cluster.ClusterAudit>();
            services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterAudit>());
            services.AddSingleton<IAuditReader>(sp => sp.GetRequiredService<Cluster.ClusterAudit>());
        }
        else services.AddSingleton<IAuditReader, FileAuditReader>();
        if (state.Type == Configuration.StateManagementOptions.Postgresql) services.AddSingleton<ICredentialDocument, SharedCredentials>();
        else services.AddSingleton<ICredentialDocument, CredentialFile>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<ApiTokens>();
        services.AddSingleton<SecurityEvents>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<IUserActions, UserActionGate>();
        services.AddSingleton<CredentialBootstrap>();
        services.AddHostedService(sp => sp.GetRequiredService<CredentialBootstrap>());
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureBearer>();

        services.AddAuthentication(ByRequest)
            .AddPolicyScheme(ByRequest, "API key, bearer token or Studio sign-in", o => o.ForwardDefaultSelector = context =>
                ApiKeyAuthenticationHandler.KeyOf(context.Request) is not null ? ApiKeyAuthenticationHandler.SchemeName
                : context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? JwtBearerDefaults.AuthenticationScheme
                : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer()
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.ReturnUrlParameter = "returnUrl";
                o.Cookie.Name = "p4flow";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                // A session ends as soon as its user is removed or gets another role.
                o.Events.OnValidatePrincipal = async context =>
                {
                    if (StillValid(context.Principal, context.HttpContext.RequestServices.GetRequiredService<CredentialStore>())) return;
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                };
                o.Events.OnRedirectToLogin = context => PageOrStatus(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => PageOrStatus(context, StatusCodes.Status403Forbidden);
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = TimeSpan.FromHours(auth.Value.SessionHours));

        var authorization = services.AddAuthorizationBuilder();
        foreach (var (policy, roles) in Roles.Policies)
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        // A route that names no policy still needs a signed-in user: nothing is open by being forgotten.
        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditedAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>HSTS on HTTPS answers, plain HTTP for this machine only, then who is calling and whether they may.</summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        app.UseHsts();
        app.UseSecurityHeaders();
        app.UsePlainHttpGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAuthEndpoints();
        app.MapAuditEndpoints();
        // The CA's revocation list, for TLS clients checking the HTTPS certificate: public by nature.
        app.MapGet(WebCertificate.CrlPath, (IOptions<HubTlsOptions> tls) =>
            File.Exists(WebCertificate.CrlFile(tls.Value)) ? Results.File(WebCertificate.CrlFile(tls.Value), "application/pkix-crl") : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <param name="source">The credential behind it (<see cref="CredentialStore.KeySource"/> or <see cref="CredentialStore.UserSource"/>):
    /// tokens and sign-in cookies made from it end when it is revoked or its role changes.</param>
    public static ClaimsPrincipal Principal(string name, string role, string scheme, string source) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(CredentialStore.SourceClaim, source)], scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Whether the credential a token or cookie was made from still exists with the same role.</summary>
    public static bool StillValid(ClaimsPrincipal? principal, CredentialStore store) =>
        principal?.FindFirst(CredentialStore.SourceClaim)?.Value is { } source
        && store.CurrentRole(source) is { } role
        && principal.IsInRole(role) && principal.FindAll(ClaimTypes.Role).Count() == 1;

    // A person opening a page gets the sign-in page; scripts and the API get status codes.
    private static Task PageOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var browserPage = HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && !request.Path.StartsWithSegments("/api");
        if (browserPage && status == StatusCodes.Status401Unauthorized) context.Response.Redirect(context.RedirectUri);
        else context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private sealed class ConfigureBearer(ApiTokens tokens, SecurityEvents events, CredentialStore store) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = tokens.ValidationParameters();
            options.Events = new JwtBearerEvents
            {
                OnAuthenticationFailed = context =>
                {
                    events.LoginFailed(context.HttpContext, "bearer token", null, context.Exception.GetType().Name);
                    return Task.CompletedTask;
                },
                // A token lives at most token_lifetime, but not past the key or user it was made from.
                OnTokenValidated = context =>
                {
                    if (StillValid(context.Principal, store)) return Task.CompletedTask;
                    events.LoginFailed(context.HttpContext, "bearer token", context.Principal?.Identity?.Name, "its key or user was revoked or changed role");
                    context.Fail("The credential this token was made from was revoked or changed role.");
                    return Task.CompletedTask;
                },
            };
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
    }
}
