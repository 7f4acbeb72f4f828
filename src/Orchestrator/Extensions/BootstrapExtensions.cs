using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Extensions;

public static class BootstrapExtensions
{
    /// <summary>Enrolling build hosts over SSH (bootstrap: in master.yaml); the service exists only with the agent hub on.</summary>
    public static IHostApplicationBuilder AddBootstrap(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BootstrapOptions>, BootstrapOptionsValidation>();
        services.AddSingleton<HostKeyApprovals>();
        services.Replace(ServiceDescriptor.Singleton<P4Flow.Studio.Services.IAgentEnrolment, StudioEnrolment>());
        if (!builder.Configuration.Section<CommandsOptions, CommandsOptionsValidation>(CommandsOptions.Section).UsesAgents) return builder;
        services.AddSingleton<HostKeyVerifier>();
        services.AddSingleton<AgentPackage>();
        services.AddSingleton<Enrolments>();
        services.AddSingleton<BootstrapService>();
        services.AddSingleton<BootstrapOperations>();
        return builder;
    }

    public static WebApplication MapBootstrap(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapBootstrapEndpoints();
        return app;
    }
}
