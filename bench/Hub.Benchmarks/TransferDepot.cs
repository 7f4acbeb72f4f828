using System.Globalization;
using System.Text;
using System.Text.Json;
using P4Flow.TestSupport;

namespace P4Flow.Hub.Benchmarks;

/// <summary>
/// A simulated branch of many small text files: main/dir{i/100}/f{i}.txt, branched to rel, and then, before each job,
/// a change on main that edits a few of them. rel is never touched, so every integration is a set of clean merges.
/// </summary>
internal sealed class TransferDepot : IDisposable
{
    private readonly int _files;
    private readonly int _changed;
    private int _round;

    private TransferDepot(SimDepot depot, int files, int changed)
    {
        Depot = depot;
        _files = files;
        _changed = changed;
    }

    public SimDepot Depot { get; }

    /// <summary>The depot with <paramref name="files"/> files on main, all branched to rel in one change.</summary>
    public static async Task<TransferDepot> CreateAsync(int files, int changed)
    {
        if (changed < 1 || changed > files) throw new ArgumentOutOfRangeException(nameof(changed), $"--changed must be 1..{files}");
        var depot = await SimDepot.CreateAsync();
        for (var i = 0; i < files; i++)
        {
            var local = Path.Combine(depot.Workspace, "main", "dir" + (i / 100).ToString(CultureInfo.InvariantCulture), $"f{i}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await File.WriteAllTextAsync(local, Content(i, 0));
        }
        // One add and one submit for the whole tree: a process per file would make the setup the benchmark's longest part.
        await depot.RunAsync("add", "//depot/main/...");
        await depot.RunAsync("submit", "-d", $"{files} files on main");
        await depot.BranchAsync();
        return new TransferDepot(depot, files, changed);
    }

    /// <summary>Edits the next round's files on main and submits them; returns their depot paths below the branch (dirN/fM.txt) and contents.</summary>
    public async Task<IReadOnlyList<(string Path, string Content)>> ChangeMainAsync()
    {
        _round++;
        // Spread over the tree and shifted each round, so a job's files are not the previous job's.
        var stride = _files / _changed;
        var picked = Enumerable.Range(0, _changed).Select(k => (k * stride + _round) % _files).ToList();
        var paths = picked.Select(i => $"dir{(i / 100).ToString(CultureInfo.InvariantCulture)}/f{i.ToString(CultureInfo.InvariantCulture)}.txt").ToList();
        await Depot.RunAsync(["edit", .. paths.Select(p => "//depot/main/" + p)]);
        var edited = new List<(string, string)>(_changed);
        foreach (var (i, path) in picked.Zip(paths))
        {
            var content = Content(i, _round);
            await File.WriteAllTextAsync(Path.Combine(Depot.Workspace, "main", path), content);
            edited.Add((path, content));
        }
        await Depot.RunAsync("submit", "-d", $"Round {_round}: {_changed} files on main");
        return edited;
    }

    /// <summary>The simulator's running count of files and bytes written into any workspace (depot.json's WorkspaceWrites).</summary>
    public (long Files, long Bytes) Writes()
    {
        // depot.json is replaced by a rename, never rewritten in place: a read sees one whole version.
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Depot.Root, "depot.json")));
        var writes = json.RootElement.GetProperty("WorkspaceWrites");
        return (writes.GetProperty("Files").GetInt64(), writes.GetProperty("Bytes").GetInt64());
    }

    public void Dispose() => Depot.Dispose();

    /// <summary>About 420 bytes; a round rewrites one line in the middle, so the merge has something to merge.</summary>
    private static string Content(int file, int round)
    {
        var text = new StringBuilder();
        for (var line = 0; line < 8; line++)
        {
            if (line == 4 && round > 0) text.Append(CultureInfo.InvariantCulture, $"file {file} line {line}: changed on main in round {round}\n");
            else text.Append(CultureInfo.InvariantCulture, $"file {file} line {line}: text that stays as it was branched\n");
        }
        return text.ToString();
    }
}
