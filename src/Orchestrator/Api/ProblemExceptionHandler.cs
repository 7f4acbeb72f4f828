using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using P4Flow.Workflows.Definitions;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Api;

/// <summary>Turns the engine's domain errors into ProblemDetails: 400 naming the field, 403, 404, 409. Nothing a user can cause becomes a 500.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            WorkflowInputException e => new ValidationProblemDetails(e.Errors.ToDictionary(p => p.Key, p => p.Value)) { Title = "Invalid input", Status = 400 },
            P4Flow.Notifications.Alerts.AlertmanagerBodyException e => new ValidationProblemDetails(new Dictionary<string, string[]> { [e.Field] = [e.Message] }) { Title = "Not an Alertmanager webhook body", Status = 400 },
            WorkflowValidationException e => new ValidationProblemDetails(e.Errors.GroupBy(x => x.Path).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()))
            {
                Title = "The workflow is not valid",
                Status = 400,
            },
            WorkflowNotFoundException e => new ProblemDetails { Title = "Not found", Detail = e.Message, Status = 404 },
            WorkflowConflictException e => new ProblemDetails { Title = "Conflict", Detail = e.Message, Status = 409 },
            BadHttpRequestException e => new ProblemDetails { Title = "Bad request", Detail = Describe(e), Status = e.StatusCode },
            JsonException e => new ProblemDetails { Title = "Bad request", Detail = e.Message, Status = 400 },
            ActionForbiddenException e => new ProblemDetails { Title = "Forbidden", Detail = e.Message, Status = 403 },
            _ => null,
        };
        if (problem is null) return false;
        httpContext.Response.StatusCode = problem.Status ?? 400;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
    }

    // The JSON reader's message carries the path and line of the mistake.
    private static string Describe(BadHttpRequestException e) => e.InnerException is JsonException json ? $"{e.Message} {json.Message}" : e.Message;
}
