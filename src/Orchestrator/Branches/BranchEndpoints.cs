using System.Security.Claims;
using System.Text;
using P4Flow.Branches;
using P4Flow.Branches.Graph;
using Hangfire;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Orchestrator.Security;
using P4Flow.Workflows.State;

namespace P4Flow.Orchestrator.Branches;

/// <summary>The branch graph over HTTP: read, replace, import and export as YAML, pause and resume an edge.</summary>
internal static class BranchEndpoints
{
    public const string YamlType = "application/yaml";

    /// <summary>The graph as the API shows it; <see cref="Revision"/> goes back with a change so two editors never overwrite each other.</summary>
    public sealed record GraphView(int Revision, DateTime? UpdatedAt, string? UpdatedBy, IReadOnlyList<BranchNode> Nodes, IReadOnlyList<EdgeView> Edges)
    {
        public static GraphView Of(StoredGraph stored) => new(stored.Revision, stored.Revision == 0 ? null : stored.UpdatedAt, stored.UpdatedBy,
            stored.Graph.Nodes, [.. stored.Graph.Edges.Select(e => new EdgeView(e.Id, e))]);
    }

    public sealed record EdgeView(string Id, BranchEdge Edge);

    /// <param name="Revision">The revision read; a save over a newer one answers 409.</param>
    public sealed record GraphRequest(int? Revision, IReadOnlyList<BranchNode>? Nodes, IReadOnlyList<BranchEdge>? Edges);

    public static void MapBranchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/branches").WithTags("Branches");
        group.MapGet("/", async (BranchGraphService graphs, CancellationToken ct) => GraphView.Of(await graphs.GetAsync(ct)))
            .RequireAuthorization(Roles.Viewer).WithSummary("The branch graph: its nodes (depot paths on a server) and edges, with its revision.");

        group.MapPut("/", async (GraphRequest? request, BranchGraphService graphs, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (request is null) throw new WorkflowInputException("body", "the graph is required: {\"revision\", \"nodes\", \"edges\"}.");
            var graph = new BranchGraph(request.Nodes ?? [], request.Edges ?? []);
            return GraphView.Of(await graphs.SaveAsync(graph, request.Revision, user.Identity?.Name, ct));
        }).RequireAuthorization(Roles.Designer).WithSummary("Replaces the graph; 400 naming each broken rule's edge and field, 409 when it changed since the revision read.");

        group.MapGet("/export", async (BranchGraphService graphs, CancellationToken ct) => Results.Text(await graphs.ExportAsync(ct), YamlType, Encoding.UTF8))
            .RequireAuthorization(Roles.Viewer).WithSummary("The graph as YAML, as config/branches.yaml holds it.");

        group.MapPost("/import", async (HttpRequest request, int? revision, BranchGraphService graphs, ClaimsPrincipal user, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var buffer = new char[BranchGraphYaml.MaxChars + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > BranchGraphYaml.MaxChars) throw new WorkflowInputException("yaml", $"a graph is at most {BranchGraphYaml.MaxChars} characters.");
            return GraphView.Of(await graphs.ImportAsync(new string(buffer, 0, read), revision, user.Identity?.Name, ct));
        }).RequireAuthorization(Roles.Designer).WithSummary("Replaces the graph with a YAML one (the export's format); 400 naming the line, or the edge and field.");

        group.MapPost("/edges/{source}/{target}/pause", (string source, string target, BranchGraphService graphs, ClaimsPrincipal user, CancellationToken ct) =>
            SetPausedAsync(graphs, source, target, paused: true, user, ct))
            .RequireAuthorization(Roles.Operator).WithSummary("Pauses an edge: no change moves along it until it is resumed.");
        group.MapPost("/edges/{source}/{target}/resume", (string source, string target, BranchGraphService graphs, ClaimsPrincipal user, CancellationToken ct) =>
            SetPausedAsync(graphs, source, target, paused: false, user, ct))
            .RequireAuthorization(Roles.Operator).WithSummary("Resumes a paused edge.");
    }

    /// <summary>An edge's changes as the bot recorded them, and the last change of its source it has seen.</summary>
    public sealed record ChangeActionRequest(string? Reason);

    /// <param name="LastPass">When the bot last looked at every edge and started what could start.</param>
    public sealed record EdgeChangesView(string Edge, int? Cursor, DateTimeOffset? LastPass, IReadOnlyList<EdgeChange> Changes);

    /// <summary>Where one submitted change has gone: on each edge that saw it, its status, the job, the change on the target.</summary>
    public sealed record ChangeView(string Server, int Change, IReadOnlyList<EdgeChange> Edges);

    public static void MapChangeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/branches/edges/{source}/{target}/changes", async (string source, string target, string? status, int? limit, BranchGraphService graphs, BranchLedger ledger, BranchWatcher watcher, CancellationToken ct) =>
        {
            var id = BranchEdge.IdOf(source, target);
            if ((await graphs.GetAsync(ct)).Graph.Edge(id) is null) throw new WorkflowNotFoundException($"The branch graph has no edge {id}.");
            if (limit is < 1 or > 1000) throw new WorkflowInputException("limit", "limit must be between 1 and 1000.");
            var statuses = status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new EdgeChangesView(id, await ledger.CursorAsync(id, ct), watcher.LastPass, await ledger.ListAsync(id, statuses, limit ?? 200, ct));
        }).WithTags("Branches").RequireAuthorization(Roles.Viewer).WithSummary("An edge's changes in changelist order (pending, integrating, integrated, skipped, failed) and its cursor.");

        app.MapGet("/api/changes/{server}/{change}", async (string server, string change, BranchLedger ledger, CancellationToken ct) =>
        {
            var number = ChangeNumber(change);
            var edges = await ledger.OfChangeAsync(server, number, ct);
            if (edges.Count == 0) throw new WorkflowNotFoundException($"No edge has seen change {number} of server {server}.");
            return new ChangeView(server, number, edges);
        }).WithTags("Branches").RequireAuthorization(Roles.Viewer).WithSummary("Where a submitted change has gone: each edge, its status, its job and the change it became on the target.");

        app.MapPost("/api/branches/edges/{source}/{target}/changes/{change}/{action}", async (string source, string target, string change, string action, ChangeActionRequest? request,
            BranchGraphService graphs, BranchChangeActions actions, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var id = BranchEdge.IdOf(source, target);
            if ((await graphs.GetAsync(ct)).Graph.Edge(id) is null) throw new WorkflowNotFoundException($"The branch graph has no edge {id}.");
            return await actions.ActAsync(id, ChangeNumber(change), action, user.Identity?.Name, request?.Reason, ct);
        }).WithTags("Branches").RequireAuthorization(Roles.Operator)
            .WithSummary("A person's action on a change of an edge: approve (a manual edge's change goes), skip with a reason (kept for good; a running or parked job is cancelled), retry (a failed one goes again); for a change parked in NEEDS_RESOLVE: acknowledge (its owner has it, reminders stop), stomp (theirs for every file, the job submits), shelve (the integration with its conflicts shelved in a pending change given to the owner; the lane waits until they submit it).");

        app.MapPost("/api/branches/poke", (IBackgroundJobClient jobs) =>
        {
            jobs.Enqueue<BranchWatcher>(w => w.RunAsync(CancellationToken.None));
            return Results.Accepted();
        }).WithTags("Branches").RequireAuthorization(Roles.Operator)
            .WithSummary("Looks for new submitted changes now (a Perforce change-commit trigger calls it, so a change starts within seconds).");
    }

    /// <summary>A changelist number from the route: a 400 naming it rather than a route that is not found.</summary>
    private static int ChangeNumber(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new WorkflowInputException("change", $"a change is a changelist number (got '{text}').");

    private static async Task<GraphView> SetPausedAsync(BranchGraphService graphs, string source, string target, bool paused, ClaimsPrincipal user, CancellationToken ct)
    {
        var id = BranchEdge.IdOf(source, target);
        return GraphView.Of(await graphs.SetPausedAsync(id, paused, user.Identity?.Name, ct)
            ?? throw new WorkflowNotFoundException($"The branch graph has no edge {id}."));
    }
}
