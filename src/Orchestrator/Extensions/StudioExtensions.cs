using P4Flow.Orchestrator.Security;
using P4Flow.Studio;
using P4Flow.Studio.Components;

namespace P4Flow.Orchestrator.Extensions;

public static class StudioExtensions
{
    /// <summary>The Studio (Blazor Server + MudBlazor) on the same services as the HTTP API.</summary>
    public static IHostApplicationBuilder AddStudio(this IHostApplicationBuilder builder)
    {
        // Serves the Studio's and MudBlazor's files from their packages when running from the build output in any
        // environment (without it, Production answers 500 for them); a published app has them in wwwroot anyway.
        if (builder is WebApplicationBuilder web) web.WebHost.UseStaticWebAssets();
        builder.Services.AddP4FlowStudio();
        return builder;
    }

    /// <summary>The Studio's pages at `/` (workflows), `/jobs`, `/agents`, and its static files.</summary>
    public static WebApplication MapStudio(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        // Pages and the circuit's hub need a signed-in user; the Agents page asks for admin itself.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(Roles.Viewer);
        return app;
    }
}
