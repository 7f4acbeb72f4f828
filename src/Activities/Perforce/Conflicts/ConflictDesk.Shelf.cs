using System.Globalization;
using System.Text.Json.Nodes;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce.Conflicts;

/// <summary>A parked integration handed to its owner as a shelf: the pending change that holds it, and whose it is now.</summary>
public sealed record OwnerShelf(int Change, string Owner, IReadOnlyList<string> Files);

public sealed partial class ConflictDesk
{
    /// <summary>The job's outputs key naming the shelf made for its owner (its cleanup keeps that change and its client).</summary>
    public const string ShelfOutput = "shelvedForOwner";

    /// <summary>The job's outputs key listing pending changes whose shelves stay on the server for a person.</summary>
    public const string KeptShelvesOutput = "keptShelves";

    /// <summary>
    /// "Shelve for me": the job's whole integration, conflicts included, goes into a pending change owned by
    /// <paramref name="owner"/>, who unshelves it in a workspace of their own, finishes the merge and submits it. p4 will
    /// not shelve a file that still needs resolving, so each conflict is resolved first as a person would find it:
    /// text with p4's conflict markers in it (resolve -af), a binary file as the target has it (resolve -ay) with the
    /// source's revision named in the description. The change's description is the one the job would have submitted,
    /// `#p4flow-source` lines included: submitted with it, the integration bot sees the change arrive and moves on.
    /// The shelf is recorded in the job's outputs so its cleanup keeps it; ending the job is the caller's.
    /// </summary>
    /// <exception cref="WorkflowConflictException">The job is not parked, or a p4 step failed (nothing is lost: the
    /// integration is still in the job's workspace until the shelf exists).</exception>
    public async Task<OwnerShelf> ShelveForOwnerAsync(string jobId, string owner, string by, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (owner.Any(char.IsWhiteSpace) || owner.Length > 255) throw new WorkflowInputException("owner", $"'{owner}' is not a Perforce user name.");
        await using (await continuation.HoldAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var job = await continuation.ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);
            var conflicts = await ListAsync(job, withSourceChanges: false, cancellationToken).ConfigureAwait(false);
            var binary = new List<string>();
            foreach (var file in conflicts.Where(f => !f.Unwritten))
            {
                var text = ConflictedFile.IsText(file.Type) && file.Reason == ConflictedFile.Content;
                if (!text) binary.Add($"{file.DepotFile} (theirs: {file.Theirs})");
                await RunAsync(job, ["resolve", text ? "-af" : "-ay", file.ClientFile], cancellationToken).ConfigureAwait(false);
            }

            var client = p4.Options.ClientFor(job.Id);
            var description = ShelfDescription(job, owner, conflicts.Select(c => c.DepotFile).ToList(), binary);
            var body = string.Join("\n", description.Split('\n').Select(line => "\t" + line.TrimEnd('\r')));
            var spec = $"Change:\tnew\n\nClient:\t{client}\n\nUser:\t{p4.ServerOf(job).Options.User}\n\nStatus:\tnew\n\nDescription:\n{body}\n";
            var created = await RunAsync(job, ["change", "-i"], cancellationToken, spec).ConfigureAwait(false);
            var change = P4Parsers.Change(created).Change ?? throw new WorkflowConflictException($"p4 change -i made no change in job {job.Id}'s workspace: {created.Text}".TrimEnd());
            var number = change.ToString(CultureInfo.InvariantCulture);
            // Recorded before anything is moved into it: a cleanup from here on keeps the change rather than lose the work.
            await runtime.RecordAsync(job.Id, KeptShelvesOutput, new JsonArray(change), cancellationToken).ConfigureAwait(false);

            await RunAsync(job, ["reopen", "-c", number, $"//{client}/..."], cancellationToken).ConfigureAwait(false);
            var shelved = P4Parsers.Shelve(await RunAsync(job, ["shelve", "-c", number], cancellationToken).ConfigureAwait(false)).Files;
            // The files leave the job's workspace (the shelf has them); an empty change may then be given to its owner.
            await RunAsync(job, ["revert", "-k", $"//{client}/..."], cancellationToken).ConfigureAwait(false);
            await RunAsync(job, ["change", "-U", owner, number], cancellationToken).ConfigureAwait(false);
            var files = shelved.Select(f => f.Path).ToList();
            await runtime.RecordAsync(job.Id, ShelfOutput, new JsonObject
            {
                ["change"] = change,
                ["owner"] = owner,
                ["by"] = by,
                ["at"] = DateTime.UtcNow,
                ["files"] = new JsonArray([.. files.Select(f => (JsonNode?)f)]),
            }, cancellationToken).ConfigureAwait(false);
            return new OwnerShelf(change, owner, files);
        }
    }

    /// <summary>What the shelf's change says: the job's own description and provenance, and what the owner has to do.</summary>
    private static string ShelfDescription(WorkflowInstance job, string owner, IReadOnlyList<string> conflicted, IReadOnlyList<string> binary)
    {
        var text = job.Input["description"] is JsonValue d && d.TryGetValue<string>(out var given) && given.Trim().Length > 0
            ? given.Trim()
            : $"Integrate {job.Input["source"]} to {job.Input["target"]}";
        var provenance = job.Outputs.Select(o => o.Value?["provenance"]).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var p) ? p.Trim() : "").FirstOrDefault(p => p.Length > 0);
        var lines = new List<string> { text, "", $"Shelved by P4Flow for {owner} to finish by hand: unshelve it in your workspace (p4 unshelve -s <this change>),",
            "merge the conflict markers in the files below, and submit it with this description so P4Flow sees it land." };
        lines.AddRange(conflicted.Select(f => "  conflict: " + f));
        lines.AddRange(binary.Select(f => "  binary, kept as the target has it: " + f));
        lines.Add("");
        if (provenance is not null) lines.Add(provenance);
        lines.Add($"#p4flow-job: {job.Id}");
        return string.Join("\n", lines);
    }
}
