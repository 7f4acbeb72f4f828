using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Runtime;

namespace P4Flow.Studio;

public static class StudioServiceCollectionExtensions
{
    /// <summary>The Studio's Blazor Server components, MudBlazor, the live job feed and the agent directory (empty until the hub registers one).</summary>
    public static IServiceCollection AddP4FlowStudio(this IServiceCollection services)
    {
        // A 200-activity definition travels from the canvas to the server as one JSON message of some 100 KB.
        services.AddRazorComponents()
            .AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = 8 * 1024 * 1024);
        // Messages at the bottom, clear of the toolbars' buttons.
        services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter);
        services.AddSingleton<JobEvents>();
        services.AddSingleton<IWorkflowObserver>(sp => sp.GetRequiredService<JobEvents>());
        services.TryAddSingleton<IAgentDirectory, EmptyAgentDirectory>();
        services.TryAddSingleton<IAgentEnrolment, UnavailableAgentEnrolment>();
        services.TryAddSingleton<IOperationsControl, NoOperationsControl>();
        services.TryAddSingleton<IIncidentList, NoIncidents>();
        services.TryAddSingleton<IBranchGraphView, NoBranchGraph>();
        services.TryAddSingleton<IQueuePositions, NoQueuePositions>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<StudioActions>();
        return services;
    }
}
