using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using P4Flow.Orchestrator.Api;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hosting;
using P4Flow.Orchestrator.Observability;
using P4Flow.Orchestrator.Security;
using P4Flow.Orchestrator.Trust;

namespace P4Flow.Orchestrator.Extensions;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder)
    {
        var server = builder.Configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
        if (builder is WebApplicationBuilder web && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            var urls = $"http://{server.Host}:{server.HttpPort}";
            if (server.HttpsPort != 0) urls += $";https://{server.Host}:{server.HttpsPort}";
            web.WebHost.UseUrls(urls);
        }
        builder.Services.AddWebTls();
        builder.AddApiSecurity();

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.AllowTrailingCommas = true;
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHttpApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.UseApiSecurity();
        // The only routes open to everyone besides signing in: probes carry no credentials.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapActivityDescriptorEndpoints();
        app.MapWorkflowDefinitionEndpoints();
        app.MapJobEndpoints();
        app.MapConflictEndpoints();
        app.MapNotificationEndpoints();
        Operations.OperatorEndpoints.MapOperatorEndpoints(app);
        Incidents.IncidentEndpoints.MapIncidentEndpoints(app);
        Cluster.ClusterEndpoints.MapClusterEndpoints(app);
        if (app.Services.GetService<Admission.AdmissionControl>() is not null) Admission.AdmissionExtensions.MapAdmissionEndpoints(app);
        return app;
    }
}
