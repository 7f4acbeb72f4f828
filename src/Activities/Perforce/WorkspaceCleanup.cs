using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;

namespace P4Flow.Activities.Perforce;

/// <summary>What a cleanup left on the server on purpose, and what it removed.</summary>
public sealed record CleanupReport(bool ClientDeleted, IReadOnlyList<int> DeletedChanges, IReadOnlyList<int> KeptShelves, int RevertedFiles)
{
    public JsonObject ToJson() => new()
    {
        ["clientDeleted"] = ClientDeleted,
        ["deletedChanges"] = new JsonArray([.. DeletedChanges.Select(c => (JsonNode)c)]),
        ["keptShelves"] = new JsonArray([.. KeptShelves.Select(c => (JsonNode)c)]),
        ["revertedFiles"] = RevertedFiles,
    };
}

/// <summary>A cleanup step that could not finish; it is run again later.</summary>
public sealed class CleanupFailedException(string message) : Exception(message);

/// <summary>
/// Leaves nothing of a job on its server: its opened files reverted (locks go with them), its pending changes and
/// their shelves deleted, its client spec deleted. Server-side only (revert -k), so any agent that reaches the server
/// can do it, whether or not it holds the job's workspace. A shelf the job keeps on purpose for a person stays, with
/// its change and client. Safe to run again: every step accepts that there is nothing left to do.
/// </summary>
public sealed class WorkspaceCleanup(P4Client p4)
{
    public const string Stage = "CLEANUP";

    /// <param name="keptShelves">Pending changes whose shelves stay for a person.</param>
    /// <exception cref="CleanupFailedException">A step failed; nothing is lost by running it all again.</exception>
    public async Task<CleanupReport> RunAsync(P4Target target, IReadOnlySet<int> keptShelves, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(keptShelves);
        var reverted = await RunAsync(target, cancellationToken, "revert", "-k", $"//{target.Client}/...").ConfigureAwait(false);
        if (reverted.Failed && !NothingThere(reverted)) throw Failed("p4 revert -k", reverted);

        var pending = await RunAsync(target, cancellationToken, "changes", "-s", "pending", "-c", target.Client).ConfigureAwait(false);
        if (pending.Failed && !NothingThere(pending)) throw Failed("p4 changes -s pending", pending);
        var deleted = new List<int>();
        var kept = new List<int>();
        foreach (var change in P4Parsers.Changes(pending).Changes.Where(c => c.Client == target.Client || c.Client.Length == 0))
        {
            if (keptShelves.Contains(change.Number))
            {
                kept.Add(change.Number);
                continue;
            }
            var number = change.Number.ToString(CultureInfo.InvariantCulture);
            var unshelved = await RunAsync(target, cancellationToken, "shelve", "-d", "-c", number).ConfigureAwait(false);
            if (unshelved.Failed && !NothingThere(unshelved)) throw Failed($"p4 shelve -d -c {number}", unshelved);
            var gone = await RunAsync(target, cancellationToken, "change", "-d", number).ConfigureAwait(false);
            if (gone.Failed && !NothingThere(gone)) throw Failed($"p4 change -d {number}", gone);
            deleted.Add(change.Number);
        }

        // A kept shelf belongs to a pending change of the client: the client stays with it.
        var clientDeleted = false;
        if (kept.Count == 0)
        {
            var client = await RunAsync(target, cancellationToken, "client", "-d", target.Client).ConfigureAwait(false);
            if (client.Failed && !NothingThere(client)) throw Failed($"p4 client -d {target.Client}", client);
            clientDeleted = !client.Failed;
        }
        return new CleanupReport(clientDeleted, deleted, kept, reverted.Records.Count(r => r.ContainsKey("depotFile")));
    }

    private Task<P4Output> RunAsync(P4Target target, CancellationToken cancellationToken, params string[] command) =>
        p4.RunAsync(target, Stage, null, command, null, cancellationToken);

    /// <summary>Already done by an earlier attempt (or never there): no opened files, no such change or client.</summary>
    private static bool NothingThere(P4Output output) =>
        output.Says("not opened on this client") || output.Says("No such file") || output.Says("unknown") || output.Says("doesn't exist")
        || output.Says("No shelved files") || output.Says("file(s) not opened");

    private static CleanupFailedException Failed(string what, P4Output output) =>
        new($"{what} failed ({P4ErrorClass.Classify(output)}): {output.Text}".TrimEnd());
}
