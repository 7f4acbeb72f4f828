using P4Flow.Workflows.Activities;

namespace P4Flow.Orchestrator.Api;

internal static class ActivityDescriptorEndpoints
{
    public static void MapActivityDescriptorEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/activity-descriptors", (ActivityRegistry registry) =>
                registry.Descriptors.OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.DisplayName, StringComparer.Ordinal))
            .WithTags("Activities")
            .RequireAuthorization(Security.Roles.Viewer)
            .WithSummary("Every activity type with its inputs, outputs and outcome ports.");
}
