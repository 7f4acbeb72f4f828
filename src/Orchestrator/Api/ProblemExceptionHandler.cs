using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
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
            _ when BusyDatabase(exception) is { } busy => new ProblemDetails
            {
                Title = "The database is busy",
                Detail = $"Another process holds the database's lock ({busy.Message.TrimEnd('.')}). Nothing was changed; try again shortly.",
                Status = 503,
            },
            _ => null,
        };
        if (problem is null) return false;
        if (problem.Status == 503) httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        httpContext.Response.StatusCode = problem.Status ?? 400;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
    }

    private const string RetryAfterSeconds = "5";

    /// <summary>
    /// SQLite's BUSY or LOCKED, wherever EF Core wrapped it: another process (a backup, an operator's sqlite3) held
    /// the write lock past the busy timeout. Not the caller's mistake and not a bug: a 503 that says to retry.
    /// </summary>
    private static SqliteException? BusyDatabase(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } busy) return busy;
        }
        return null;
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    // The JSON reader's message carries the path and line of the mistake.
    private static string Describe(BadHttpRequestException e) => e.InnerException is JsonException json ? $"{e.Message} {json.Message}" : e.Message;
}
