using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using P4Flow.Orchestrator.Api;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hosting;
using P4Flow.Orchestrator.Observability;

namespace P4Flow.Orchestrator.Extensions;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddHttpApi(this IHostApplicationBuilder builder)
    {
        var server = builder.Configuration.Section<ServerOptions, ServerOptionsValidation>(ServerOptions.Section);
        if (builder is WebApplicationBuilder web && string.IsNullOrEmpty(builder.Configuration["urls"]))
            web.WebHost.UseUrls($"http://{server.Host}:{server.HttpPort}");

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
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<HangfireHealthCheck>("hangfire", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHttpApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync });
        app.UseHangfireDashboard("/hangfire");
        app.MapActivityDescriptorEndpoints();
        app.MapWorkflowDefinitionEndpoints();
        app.MapJobEndpoints();
        return app;
    }
}
