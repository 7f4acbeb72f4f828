using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Branches.Store;
using P4Flow.Branches.Watch;
using P4Flow.Orchestrator.Hub;

namespace P4Flow.Orchestrator.Branches;

/// <summary>The bot's `p4 changes`, run like a job's commands (on an agent when the hub is on), under a run id of its own held for a pass.</summary>
internal sealed class P4BranchServer(P4Client p4, IServiceProvider services) : IBranchServer
{
    /// <summary>What the watcher's commands run under: their folder on an agent, their line in the command log.</summary>
    public const string RunId = "branch-watch";
    private const string Stage = "WATCH";
    private static readonly TimeSpan CommandPatience = TimeSpan.FromMinutes(2);

    public string NameOf(string? server) => p4.Options.ServerFor(server)?.Name ?? server ?? "default";

    public async Task<IReadOnlyList<string>> FilesAsync(string? server, int change, int max, CancellationToken cancellationToken)
    {
        string[] command = ["describe", "-s", change.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var output = await RunAsync(server, command, cancellationToken).ConfigureAwait(false);
        // Tagged: depotFile0, depotFile1, ... in one record.
        return [.. output.Records.SelectMany(r => r.Where(f => f.Key.StartsWith("depotFile", StringComparison.Ordinal)).Select(f => f.Value)).Distinct(StringComparer.Ordinal).Take(max)];
    }

    public async Task<int> NewestAsync(string? server, CancellationToken cancellationToken)
    {
        var output = await RunAsync(server, ["changes", "-s", "submitted", "-m", "1"], cancellationToken).ConfigureAwait(false);
        return P4Parsers.Changes(output).Changes.Select(c => c.Number).DefaultIfEmpty(0).Max();
    }

    public async Task<int> CounterAsync(string? server, string name, CancellationToken cancellationToken)
    {
        var output = await RunAsync(server, ["counter", name], cancellationToken).ConfigureAwait(false);
        var value = output.Records.Select(r => r.GetValueOrDefault("value")).FirstOrDefault(v => v is not null) ?? output.Text.Trim();
        return int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    public async Task<IReadOnlyList<SubmittedChange>> ChangesAsync(string? server, string path, int? after, CancellationToken cancellationToken)
    {
        string[] command = after is { } cursor
            ? ["changes", "-s", "submitted", "-l", $"{path}@>{cursor}"]
            : ["changes", "-s", "submitted", "-l", "-m", "1", path];
        var output = await RunAsync(server, command, cancellationToken).ConfigureAwait(false);
        return [.. P4Parsers.Changes(output).Changes.Where(c => c.Status == "submitted" || c.Status.Length == 0)
            .Select(c => new SubmittedChange(c.Number, c.User ?? "", (c.Description ?? "").TrimEnd()))
            .OrderBy(c => c.Number)];
    }

    private async Task<P4Output> RunAsync(string? server, string[] command, CancellationToken cancellationToken)
    {
        var target = new P4Target(p4.Options.ServerFor(server) ?? throw new InvalidOperationException($"No Perforce server is named '{server}'."),
            p4.Options.ClientFor(RunId), RunId);
        // A pass does not wait long for an agent (agents.wait_timeout is a job's patience): the next pass tries again.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(CommandPatience);
        var output = await p4.RunAsync(target, Stage, null, command, null, patience.Token).ConfigureAwait(false);
        if (output.Failed && P4ErrorClass.Classify(output) != P4ErrorClass.NothingToDo)
            throw new InvalidOperationException($"p4 {string.Join(' ', command)} failed on {target.Server.Name}: {output.Text.Trim()}");
        return output;
    }

    /// <summary>
    /// The watcher's commands keep their agent for the pass (placing the run and letting it go cost more than a poll:
    /// signed messages, journal lines, the agent's folder removed) and hold none between passes.
    /// </summary>
    public void PassEnded() => services.GetService<AgentRegistry>()?.ReleaseJob(RunId, "branch watch pass ended", succeeded: true);
}
