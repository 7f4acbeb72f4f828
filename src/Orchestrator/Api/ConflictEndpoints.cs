using System.Security.Claims;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Conflicts;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.State;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Api;

/// <summary>
/// A parked job's conflicts for the person who settles them without a workspace: the files, one file's three texts,
/// and settling a file (operators; viewers may look). The texts are read from the server through the job's agent on
/// each request and not kept.
/// </summary>
internal static class ConflictEndpoints
{
    public static void MapConflictEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/jobs/{id}/conflicts").WithTags("Jobs").RequireAuthorization(Roles.Viewer);

        group.MapGet("/", async (string id, ConflictDesk desk, CancellationToken ct) =>
            (await desk.ListAsync(id, ct)).Select(ConflictFileView.From).ToList())
            .WithSummary("For a job in NEEDS_RESOLVE: each file still to settle, with its revisions, reason and source change. 409 in any other stage.");

        group.MapGet("/file", async (string id, string? path, ConflictDesk desk, CancellationToken ct) =>
        {
            var view = await desk.ReadAsync(id, DepotFile(path), ct);
            return new ConflictTextView(ConflictFileView.From(view.File), view.Text, view.NotShown);
        }).WithSummary("One conflicted file (?path=//depot/...): base, theirs and yours with the chunks each side changed, and a merge to edit; binary and large files say why they are not shown.");

        group.MapPost("/settle", async (string id, SettleRequest request, ConflictDesk desk, IUserActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var file = DepotFile(request.File, "file");
            var choice = request.Choice switch
            {
                "theirs" => SettleChoice.Theirs,
                "yours" => SettleChoice.Yours,
                "edit" => SettleChoice.Edit,
                _ => throw new WorkflowInputException("choice", $"choice must be theirs, yours or edit (got '{request.Choice}')."),
            };
            var by = ResolveContinuation.By(user.Identity?.Name, "api");
            return await actions.RunAsync(user, UserAction.Settle, $"{id} {file}", choice.ToString().ToLowerInvariant(),
                () => desk.SettleAsync(id, file, choice, request.Merged, by, ct));
        }).RequireAuthorization(Roles.Operator)
          // An edited text is at most ConflictDesk.MaxTextBytes; the body around it gets room for JSON escapes, no more.
          .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(8L * ConflictDesk.MaxTextBytes))
          .WithSummary("Settles one file: theirs (resolve -at), yours (resolve -ay) or edit (the merged text, written into the job's workspace after resolve -af); answers as Continue does and moves the job on when none is left.");
    }

    private static string DepotFile(string? path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path)) throw new WorkflowInputException(field, $"{field} (the depot file, //depot/...) is required.");
        if (path.Length > 1024 || !DepotPaths.IsValid(path) || path.EndsWith("/...", StringComparison.Ordinal))
            throw new WorkflowInputException(field, $"{field} must be a depot file such as //depot/rel/a.c (got '{(path.Length > 80 ? path[..80] + "..." : path)}').");
        return path;
    }
}

/// <param name="Choice">theirs, yours or edit.</param>
/// <param name="Merged">The edited text, with choice edit only.</param>
internal sealed record SettleRequest(string? File, string? Choice, string? Merged);

/// <param name="ClientFile">Where the file is on the job's agent, for a person who resolves it there by hand.</param>
/// <param name="Pending">Integrations of the file still to resolve (an edit is offered for one only).</param>
/// <param name="Unwritten">An edit p4 took as resolved whose text never reached the workspace: settle it again.</param>
internal sealed record ConflictFileView(
    string DepotFile, string ClientFile, string? Yours, string Theirs, string? Base, string Reason, string Type, bool Editable, int Pending, bool Unwritten, SourceChange? SourceChange)
{
    public static ConflictFileView From(ConflictedFile file) =>
        new(file.DepotFile, file.ClientFile, file.Yours, file.Theirs, file.Base, file.Reason, file.Type, file.Editable, file.Pending, file.Unwritten, file.Change);
}

internal sealed record ConflictTextView(ConflictFileView File, ThreeWayText? Text, string? NotShown);
