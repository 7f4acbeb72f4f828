using P4Flow.Branches.Store;

namespace P4Flow.Branches.Watch;

/// <summary>The Perforce side the bot needs (the host runs the commands, on an agent).</summary>
public interface IBranchServer
{
    /// <summary>
    /// Submitted changes to <paramref name="path"/> on <paramref name="server"/> (null: the default) after
    /// <paramref name="after"/>, oldest first; with <paramref name="after"/> null, only the newest one (none on an empty branch).
    /// </summary>
    Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken);

    /// <summary>
    /// The newest submitted change on the whole server (0 on an empty one): one look per pass that tells every edge
    /// from that server whether anything can be new on its source.
    /// </summary>
    Task<int> NewestAsync(string? server, CancellationToken cancellationToken);

    /// <summary>The depot files a submitted change touched (p4 describe -s), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken);

    /// <summary>A counter's value (p4 counter NAME); 0 when it is not set.</summary>
    Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken);

    /// <summary>The server's name as jobs and GET /api/changes name it (the default server's for null).</summary>
    string NameOf(string? server);

    /// <summary>A pass is over, whatever way it ended: let go of what its commands held between them (an agent's slot).</summary>
    void PassEnded();
}

/// <summary>Starting the job that integrates one change along an edge (the host starts the edge's workflow).</summary>
public interface IBranchJobs
{
    /// <returns>The job's id.</returns>
    Task<string> StartAsync(Graph.BranchEdge edge, Graph.BranchNode source, Graph.BranchNode target, EdgeChange change, CancellationToken cancellationToken);

    /// <summary>Where the job is: running, parked for a person (NEEDS_RESOLVE), or ended and how.</summary>
    Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken);
}

/// <param name="Parked">Waiting for a person to resolve its conflicts.</param>
/// <param name="Outcome">How it ended; null while it has not.</param>
public sealed record JobState(bool Parked, JobOutcome? Outcome);

/// <param name="TargetChange">The change it submitted on the target, if it submitted one.</param>
/// <param name="Reason">Why it failed, or what it found (nothing to integrate).</param>
public sealed record JobOutcome(bool Succeeded, int? TargetChange, string? Reason);

/// <summary>Told when a change reached its target (metrics hang here). Keep it quick, never throw.</summary>
public interface IBranchObserver
{
    /// <param name="seenAt">When the bot first recorded it on its source.</param>
    void Integrated(string edgeId, int change, DateTime seenAt, DateTime integratedAt);

    /// <summary>A change that held its lane for a person (parked, or shelved for its owner) moved on.</summary>
    /// <param name="parkedAt">When it parked.</param>
    void Resolved(string edgeId, int change, DateTime parkedAt, DateTime resolvedAt);
}
