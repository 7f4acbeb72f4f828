using System.Globalization;
using System.Text.Json;
using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Protocol;
using P4Flow.Workflows.Runtime;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Perforce.Conflicts;

/// <summary>A conflicted file and, for a text merge small enough, its three texts; <see cref="NotShown"/> says why not otherwise.</summary>
public sealed record ConflictView(ConflictedFile File, ThreeWayText? Text, string? NotShown);

/// <summary>
/// Where a person settles a parked job's conflicts without a workspace of their own: it lists the files p4 still
/// wants resolved (fstat -Ru -Or in the job's workspace), reads a file's base, theirs and yours from the server
/// through the job's agent (print; nothing is kept here), and settles one file as the person chose: theirs
/// (resolve -at), yours (resolve -ay), or their edited merge (resolve -af, then the text written into the workspace by
/// the agent's built-in <see cref="BuiltInCommands.WriteFile"/>). Every command is the job's, signed and run on its
/// agent like any other; when the last file is settled the job moves on as after Continue.
/// </summary>
public sealed partial class ConflictDesk(WorkflowRuntime runtime, P4Client p4, ResolveContinuation continuation, ICommandDispatcher dispatcher)
{
    /// <summary>The largest file shown and edited on the page; larger ones are settled by choosing a side.</summary>
    public const int MaxTextBytes = 1024 * 1024;

    /// <exception cref="WorkflowNotFoundException">No such job.</exception>
    /// <exception cref="WorkflowConflictException">The job is not in NEEDS_RESOLVE, or its workspace cannot be reached now.</exception>
    public async Task<IReadOnlyList<ConflictedFile>> ListAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await continuation.ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);
        return await ListAsync(job, withSourceChanges: true, cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="WorkflowNotFoundException">No such job, or no conflict left on <paramref name="depotFile"/>.</exception>
    public async Task<ConflictView> ReadAsync(string jobId, string depotFile, CancellationToken cancellationToken)
    {
        var job = await continuation.ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);
        var file = Find(job, await ListAsync(job, withSourceChanges: false, cancellationToken).ConfigureAwait(false), depotFile);
        if (!file.Editable)
            return new ConflictView(file, null, file.Pending > 1
                ? $"{file.DepotFile} has {file.Pending} integrations to resolve at once: take theirs or yours whole, or resolve it in a workspace."
                : $"{file.DepotFile} is {file.Type}: it is settled by taking theirs or yours whole.");
        string[] revisions = [.. new[] { file.Base, file.Theirs, file.Yours }.OfType<string>()];
        var sizes = P4Parsers.Fstat(await RunAsync(job, ["fstat", "-Ol", .. revisions], cancellationToken).ConfigureAwait(false)).Files;
        var largest = sizes.Select(r => long.TryParse(r.GetValueOrDefault("fileSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max();
        if (largest > MaxTextBytes)
            return new ConflictView(file, null, $"{file.DepotFile} has a revision of {largest:N0} bytes, more than the {MaxTextBytes:N0} shown here: settle it by taking a side, or resolve it in a workspace.");
        var baseText = file.Base is { } baseRevision ? await PrintAsync(job, baseRevision, cancellationToken).ConfigureAwait(false) : "";
        var theirs = await PrintAsync(job, file.Theirs, cancellationToken).ConfigureAwait(false);
        var yours = file.Yours is { } yoursRevision ? await PrintAsync(job, yoursRevision, cancellationToken).ConfigureAwait(false) : "";
        // Bytes that are not UTF-8 would be written back changed: such a file is settled by taking a side.
        if ((baseText + theirs + yours).Contains('\uFFFD', StringComparison.Ordinal))
            return new ConflictView(file, null, $"{file.DepotFile} is not UTF-8 text: settle it by taking a side, or resolve it in a workspace.");
        return new ConflictView(file, ThreeWayText.Build(baseText, theirs, yours, (file.Base ?? "(none)", file.Theirs, file.Yours ?? file.ClientFile)), null);
    }

    /// <summary>Settles one file as <paramref name="by"/> chose, then checks the job as Continue does.</summary>
    /// <param name="merged">The edited text, for <see cref="SettleChoice.Edit"/> only.</param>
    /// <exception cref="WorkflowInputException">No text for an edit, a text with conflict markers left, too large, or an edit of a binary file.</exception>
    public async Task<ContinueResult> SettleAsync(string jobId, string depotFile, SettleChoice choice, string? merged, string by, CancellationToken cancellationToken)
    {
        if (choice == SettleChoice.Edit) CheckMerged(merged);
        else if (merged is not null) throw new WorkflowInputException("merged", "merged is only taken with choice 'edit'.");
        await using (await continuation.HoldAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var job = await continuation.ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);
            var file = Find(job, await ListAsync(job, withSourceChanges: false, cancellationToken).ConfigureAwait(false), depotFile);
            await SettleAsync(job, file, choice, merged, by, cancellationToken).ConfigureAwait(false);
            // Still held: no other check can move the job on between the settlement and this answer.
            return await continuation.ContinueHeldAsync(jobId, by, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Settles every file left with one side (theirs: a "stomp", as integration bots call taking the source's binary
    /// files over the target's), then checks the job as Continue does: one action for a conflict of many files.
    /// </summary>
    public async Task<ContinueResult> SettleAllAsync(string jobId, SettleChoice choice, string by, CancellationToken cancellationToken)
    {
        if (choice == SettleChoice.Edit) throw new WorkflowInputException("choice", "every file at once takes theirs or yours; an edit is made one file at a time.");
        await using (await continuation.HoldAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            var job = await continuation.ParkedAsync(jobId, cancellationToken).ConfigureAwait(false);
            foreach (var file in await ListAsync(job, withSourceChanges: false, cancellationToken).ConfigureAwait(false))
                await SettleAsync(job, file, choice, null, by, cancellationToken).ConfigureAwait(false);
            return await continuation.ContinueHeldAsync(jobId, by, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SettleAsync(WorkflowInstance job, ConflictedFile file, SettleChoice choice, string? merged, string by, CancellationToken cancellationToken)
    {
        if (choice == SettleChoice.Edit && !file.Editable)
            throw new WorkflowInputException("choice", file.Pending > 1
                ? $"{file.DepotFile} has {file.Pending} integrations to resolve at once: take theirs or yours, it cannot be edited here."
                : $"{file.DepotFile} is {file.Type}: take theirs or yours, it cannot be edited here.");
        if (file.Unwritten)
        {
            // p4 took it as resolved already: the chosen text is written over p4's merge.
            var text = choice switch
            {
                SettleChoice.Edit => merged!,
                SettleChoice.Theirs => await PrintAsync(job, file.Theirs, cancellationToken).ConfigureAwait(false),
                _ => file.Yours is { } yours ? await PrintAsync(job, yours, cancellationToken).ConfigureAwait(false) : "",
            };
            await WriteAsync(job, file, choice, text, by, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (choice == SettleChoice.Edit)
        {
            await RecordAsync(job.Id, new Settlements.Entry(file.DepotFile, Name(choice), by, DateTime.UtcNow, Settlements.Settling, null), cancellationToken).ConfigureAwait(false);
            // -af accepts p4's merge, markers and all; the person's text replaces it right after.
            await ResolveAsync(job, file, "-af", cancellationToken).ConfigureAwait(false);
            await WriteAsync(job, file, choice, merged!, by, cancellationToken).ConfigureAwait(false);
            return;
        }
        await ResolveAsync(job, file, choice == SettleChoice.Theirs ? "-at" : "-ay", cancellationToken).ConfigureAwait(false);
        await RecordAsync(job.Id, new Settlements.Entry(file.DepotFile, Name(choice), by, DateTime.UtcNow, Settlements.Settled, null), cancellationToken).ConfigureAwait(false);
    }

    private async Task ResolveAsync(WorkflowInstance job, ConflictedFile file, string mode, CancellationToken cancellationToken)
    {
        var output = await RunAsync(job, ["resolve", mode, file.ClientFile], cancellationToken).ConfigureAwait(false);
        var result = P4Parsers.Resolve(output);
        if (result.Resolved.Count == 0)
            throw new WorkflowConflictException($"p4 resolve {mode} did not settle {file.DepotFile}: {output.Text}".TrimEnd());
    }

    private async Task WriteAsync(WorkflowInstance job, ConflictedFile file, SettleChoice choice, string merged, string by, CancellationToken cancellationToken)
    {
        if (!ConflictedFile.IsText(file.Type))
            throw new WorkflowConflictException($"{file.DepotFile} is {file.Type}: its text cannot be written here; resolve it in the job's workspace (p4 resolve -f), then Continue.");
        var (depotFile, clientFile) = (file.DepotFile, file.ClientFile);
        CommandRun run;
        try
        {
            // Kept out of the hub's journal like a secret: file content stays in the orchestrator no longer than the request.
            var write = new CommandRequest(job.Id, ResolveContinuation.Stage, BuiltInCommands.WriteFileArgs(clientFile),
                new Dictionary<string, string>(StringComparer.Ordinal), p4.Options.TimeoutFor(ResolveContinuation.Stage), merged) { SecretStdin = true };
            run = await dispatcher.RunAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (JobFailedException ex)
        {
            run = new CommandRun(0, -1, "", ex.Message, TimeSpan.Zero);
        }
        if (run.ExitCode != 0 || run.TimedOut)
        {
            var error = string.IsNullOrWhiteSpace(run.Stderr) ? $"exit code {run.ExitCode}" : run.Stderr.Trim();
            await RecordAsync(job.Id, new Settlements.Entry(depotFile, Name(choice), by, DateTime.UtcNow, Settlements.Failed, error), cancellationToken).ConfigureAwait(false);
            throw new WorkflowConflictException($"The text of {depotFile} could not be written into the job's workspace ({error}); the job waits: settle the file again.");
        }
        await RecordAsync(job.Id, new Settlements.Entry(depotFile, Name(choice), by, DateTime.UtcNow, Settlements.Settled, null), cancellationToken).ConfigureAwait(false);
    }

    private Task<WorkflowInstance> RecordAsync(string jobId, Settlements.Entry entry, CancellationToken cancellationToken) =>
        runtime.RecordAsync(jobId, Settlements.OutputKey, job => Settlements.With(job, entry), cancellationToken);

    private static void CheckMerged(string? merged)
    {
        if (merged is null) throw new WorkflowInputException("merged", "merged (the edited text) is required with choice 'edit'.");
        if (System.Text.Encoding.UTF8.GetByteCount(merged) > MaxTextBytes)
            throw new WorkflowInputException("merged", $"merged is longer than {MaxTextBytes:N0} bytes.");
        if (ThreeWayText.MarkerLine(merged) is { } line)
            throw new WorkflowInputException("merged", $"merged still has a conflict marker on line {line}: settle that chunk first.");
    }

    private static string Name(SettleChoice choice) => choice.ToString().ToLowerInvariant();

    private static ConflictedFile Find(WorkflowInstance job, IReadOnlyList<ConflictedFile> conflicts, string depotFile) =>
        conflicts.FirstOrDefault(c => c.DepotFile == depotFile)
        ?? throw new WorkflowNotFoundException($"Job {job.Id} has no conflict left on {depotFile}.");

    /// <param name="withSourceChanges">Ask the server who made each source change (one `changes` per file): for the list a person reads only.</param>
    private async Task<IReadOnlyList<ConflictedFile>> ListAsync(WorkflowInstance job, bool withSourceChanges, CancellationToken cancellationToken)
    {
        var output = await RunAsync(job, ["fstat", "-Ru", "-Or", $"//{p4.Options.ClientFor(job.Id)}/..."], cancellationToken).ConfigureAwait(false);
        var found = P4Parsers.Fstat(output).Files.Where(r => r.ContainsKey("unresolved")).Select(r => ConflictFrom(r, unwritten: false)).OfType<ConflictedFile>().ToList();
        // An edit whose text never arrived: p4 lists the file as resolved, but it still holds p4's merge.
        foreach (var depotFile in Settlements.Unfinished(job).Where(f => found.TrueForAll(c => c.DepotFile != f)))
        {
            var records = P4Parsers.Fstat(await RunAsync(job, ["fstat", "-Or", depotFile], cancellationToken).ConfigureAwait(false)).Files;
            if (records.Count > 0 && ConflictFrom(records[0], unwritten: true) is { } file) found.Add(file);
        }
        if (!withSourceChanges) return found;
        var files = new List<ConflictedFile>(found.Count);
        foreach (var file in found) files.Add(file with { Change = await SourceChangeAsync(job, file, cancellationToken).ConfigureAwait(false) });
        return files;
    }

    /// <summary>
    /// The file's first integration still to resolve (p4 resolves them in that order; fstat -Or lists the resolved ones
    /// first), and how many are pending; for an <paramref name="unwritten"/> edit, the one resolved by the edit.
    /// </summary>
    internal static ConflictedFile? ConflictFrom(IReadOnlyDictionary<string, string> record, bool unwritten)
    {
        if (!record.TryGetValue("depotFile", out var depotFile)) return null;
        int? chosen = null;
        var pending = 0;
        for (var i = 0; record.ContainsKey(Field("resolveFromFile", i)); i++)
        {
            var action = record.GetValueOrDefault(Field("resolveAction", i)) ?? "unresolved";
            var wanted = unwritten ? action == "edit from" : action == "unresolved";
            if (!wanted) continue;
            pending++;
            chosen ??= i;
        }
        if (chosen is not { } n) return null;
        var type = record.GetValueOrDefault("type") ?? record.GetValueOrDefault("headType") ?? "text";
        var resolveType = record.GetValueOrDefault(Field("resolveType", n)) ?? ConflictedFile.Content;
        return new ConflictedFile(
            depotFile,
            record.GetValueOrDefault("clientFile") ?? depotFile,
            Int(record.GetValueOrDefault("haveRev")) ?? Int(record.GetValueOrDefault("workRev")),
            record[Field("resolveFromFile", n)],
            Int(record.GetValueOrDefault(Field("resolveEndFromRev", n))) ?? 0,
            record.GetValueOrDefault(Field("resolveBaseFile", n)),
            Int(record.GetValueOrDefault(Field("resolveBaseRev", n))),
            resolveType == ConflictedFile.Content && ConflictedFile.IsBinary(type) ? ConflictedFile.Binary : resolveType,
            type,
            null) { Pending = unwritten ? 1 : pending, Unwritten = unwritten };
    }

    private static string Field(string name, int index) => name + index.ToString(CultureInfo.InvariantCulture);

    private async Task<SourceChange?> SourceChangeAsync(WorkflowInstance job, ConflictedFile file, CancellationToken cancellationToken)
    {
        var output = await RunAsync(job, ["changes", "-m1", "-l", file.Theirs], cancellationToken).ConfigureAwait(false);
        var changes = P4Parsers.Changes(output).Changes;
        return changes.Count > 0 && changes[0] is var change ? new SourceChange(change.Number, change.User, change.Description?.TrimEnd()) : null;
    }

    private async Task<string> PrintAsync(WorkflowInstance job, string revision, CancellationToken cancellationToken)
    {
        var output = await RunAsync(job, ["print", "-q", revision], cancellationToken).ConfigureAwait(false);
        return P4Parsers.PrintedText(output);
    }

    /// <summary>
    /// One p4 command in the job's workspace; a server or agent that cannot answer now is a 409, and the job keeps
    /// waiting where it is (no waits are given: a person's look or choice never moves the job to WAITING_FOR_AGENT).
    /// </summary>
    private async Task<P4Output> RunAsync(WorkflowInstance job, IReadOnlyList<string> command, CancellationToken cancellationToken, string? stdin = null)
    {
        P4Output output;
        try
        {
            output = await p4.RunAsync(p4.TargetOf(job), ResolveContinuation.Stage, null, command, stdin, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ActivityInputException or P4CircuitOpenException or JobFailedException)
        {
            throw new WorkflowConflictException($"Job {job.Id}'s workspace cannot be reached now: {ex.Message}");
        }
        if (output.Failed)
            throw new WorkflowConflictException($"p4 {command[0]} failed in job {job.Id}'s workspace ({P4ErrorClass.Classify(output)}): {output.Text}".TrimEnd());
        return output;
    }

    private static int? Int(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
