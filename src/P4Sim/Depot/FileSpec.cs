using System.Text.RegularExpressions;

namespace P4Flow.P4Sim.Depot;

/// <summary>
/// One file argument as typed (depot syntax, client syntax or a local path, with an optional
/// revision), matched against depot paths through the workspace view.
/// </summary>
internal sealed class FileSpec
{
    private readonly Regex _matcher;
    private readonly bool _clientSyntax;

    private FileSpec(string original, string path, RevisionSpec? revision, bool clientSyntax)
    {
        Original = original;
        Path = path;
        Revision = revision;
        _clientSyntax = clientSyntax;
        _matcher = PathPattern.ToRegex(path);
    }

    public string Original { get; }

    /// <summary>The path in depot or client syntax.</summary>
    public string Path { get; }

    public RevisionSpec? Revision { get; }

    public bool IsWildcard => PathPattern.HasWildcard(Path);

    /// <summary>Parses an argument; returns null and an error text when it cannot name files.</summary>
    public static FileSpec? Parse(string argument, Workspace? workspace, string currentDirectory, out string? error)
    {
        error = null;
        // The revision starts at the first # or @ of the last path segment: "@40,@42" holds two.
        var lastSlash = argument.LastIndexOf('/');
        var split = argument.IndexOfAny(['#', '@'], lastSlash + 1);
        RevisionSpec? revision = null;
        var path = argument;
        if (split >= 0)
        {
            revision = RevisionSpec.Parse(argument[split..]);
            if (revision is null)
            {
                error = $"Invalid revision number '{argument[split..]}'.";
                return null;
            }

            path = argument[..split];
        }

        if (path.Length == 0)
        {
            path = "//...";
        }

        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            var firstSegment = path[2..].Split('/')[0];
            var clientSyntax = workspace is not null && firstSegment == workspace.Name;
            return new FileSpec(argument, path, revision, clientSyntax);
        }

        if (workspace is null)
        {
            error = $"{argument} - file(s) not in client view.";
            return null;
        }

        var local = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(currentDirectory, path);
        local = Normalize(local);
        var clientPath = workspace.ClientOfLocal(local);
        if (clientPath is null)
        {
            error = $"Path '{local}' is not under client's root '{workspace.Spec.Root}'.";
            return null;
        }

        return new FileSpec(argument, clientPath, revision, clientSyntax: true);
    }

    public bool Matches(string depotPath, Workspace? workspace)
    {
        if (!_clientSyntax)
        {
            return _matcher.IsMatch(depotPath);
        }

        return workspace?.ClientPath(depotPath) is { } clientPath && _matcher.IsMatch(clientPath);
    }

    /// <summary>The depot path of a single named file (for add), or null.</summary>
    public string? ConcreteDepotPath(Workspace? workspace) =>
        !_clientSyntax ? Path : workspace?.DepotPathOfClient(Path);

    private static string Normalize(string path)
    {
        // Path.GetFullPath would treat the p4 wildcard "..." as a plain name; keep it as typed.
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }
}
