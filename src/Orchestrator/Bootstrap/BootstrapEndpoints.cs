using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace P4Flow.Orchestrator.Bootstrap;

/// <summary>
/// Enrolling, restarting and removing agents over SSH, and approving host keys seen on first use. Every endpoint
/// is on one group, so one policy (admin) covers them all.
/// </summary>
public static class BootstrapEndpoints
{
    public sealed record ApproveHostKey(string? Fingerprint);

    public static RouteGroupBuilder MapBootstrapEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/agents").WithTags("Agents").RequireAuthorization(Security.Roles.Admin);

        group.MapPost("/bootstrap", (BootstrapRequest? request, HttpContext http, IOptions<BootstrapOptions> options) =>
        {
            if (request is null) return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON body is required"] });
            if (request.Validate(options.Value) is { Count: > 0 } errors) return Results.ValidationProblem(errors, title: "Invalid bootstrap request");
            return Maintain(http, request.AgentName!, (ops, user) => ops.Bootstrap(request with { RequestedBy = user }));
        }).WithName("BootstrapAgent");

        group.MapPost("/{name}/restart", (string name, HttpContext http) => Maintain(http, name, (ops, user) => ops.Restart(name, user))).WithName("RestartAgent");
        group.MapDelete("/{name}", (string name, HttpContext http) => Maintain(http, name, (ops, user) => ops.Remove(name, user))).WithName("RemoveAgent");

        group.MapGet("/operations/{id}", (string id, HttpContext http) =>
            Operations(http)?.Find(id) is { } operation ? Results.Ok(operation.View()) : Results.Problem(title: "Not found", detail: $"no operation '{id}'", statusCode: 404))
            .WithName("GetAgentOperation");

        group.MapGet("/host-keys", (HostKeyApprovals approvals) => Results.Ok(approvals.List())).WithName("ListHostKeys");
        group.MapPost("/host-keys/{host}/approve", (string host, int? port, [FromBody] ApproveHostKey? body, HostKeyApprovals approvals, HttpContext http) =>
        {
            if (body?.Fingerprint is { } f && !HostKeyFingerprint.IsWellFormed(f))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["fingerprint"] = ["fingerprint must be SHA256:<base64>, as `ssh-keygen -lf` prints it."] });
            var entry = approvals.Approve(host, port ?? 22, body?.Fingerprint, Caller(http), out var problem);
            return entry is not null ? Results.Ok(entry)
                : problem!.StartsWith("no host key", StringComparison.Ordinal) ? Results.Problem(title: "Not found", detail: problem, statusCode: 404)
                : Results.Problem(title: "Conflict", detail: problem, statusCode: 409);
        }).WithName("ApproveHostKey");
        return group;
    }

    private static IResult Maintain(HttpContext http, string name, Func<BootstrapOperations, string, BootstrapOperations.Operation> start)
    {
        if (Operations(http) is not { } operations) return HubOff();
        try
        {
            var operation = start(operations, Caller(http));
            return Results.Accepted($"/api/agents/operations/{operation.Id}", operation.View());
        }
        catch (KeyNotFoundException ex)
        {
            return Results.Problem(title: "Not found", detail: ex.Message, statusCode: 404);
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(title: "Conflict", detail: ex.Message, statusCode: 409);
        }
    }

    private static BootstrapOperations? Operations(HttpContext http) => http.RequestServices.GetService<BootstrapOperations>();

    private static IResult HubOff() => Results.Problem(title: "Conflict", detail: "the agent hub is off (commands.runner: local): there is no hub to enrol agents with", statusCode: 409);

    private static string Caller(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";
}
