using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using Microsoft.Extensions.DependencyInjection.Extensions;
using P4Flow.Orchestrator.Configuration;

namespace P4Flow.Orchestrator.Extensions;

public static class PerforceExtensions
{
    /// <summary>The P4 activities and a command runner.</summary>
    public static IHostApplicationBuilder AddPerforce(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPerforceActivities();
        services.AddOptions<PerforceOptions>().BindConfiguration(PerforceOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PerforceOptions>, PerforceOptionsValidation>();
        // Commands run on this host until the agent hub takes them over.
        services.AddOptions<LocalRunnerOptions>().Configure<Microsoft.Extensions.Options.IOptions<PerforceOptions>>((local, p4) => local.WorkspaceRoot = p4.Value.WorkspaceRoot);
        services.AddSingleton<ICommandDispatcher, LocalCommandRunner>();
        services.AddSingleton<P4Flow.Activities.Perforce.Servers.IP4SecurityObserver, Audit.P4SecurityAudit>();
        services.TryAddSingleton<Audit.AuditLog>();
        // P4_SERVER_DOWN: switch to the backup or hold the server's new jobs, and come back when it answers.
        services.AddSingleton<Incidents.P4ServerDownPlaybook>();
        services.AddSingleton<P4Flow.Activities.Perforce.Servers.IP4ServerObserver>(sp => sp.GetRequiredService<Incidents.P4ServerDownPlaybook>());
        services.AddSingleton<Admission.IAdmissionGate, Incidents.P4ServerHold>();
        return builder;
    }
}
