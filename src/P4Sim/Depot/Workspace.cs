namespace P4Flow.P4Sim.Depot;

/// <summary>A client spec applied: depot path to client syntax (//ws/...) to a file under Root.</summary>
internal sealed class Workspace(ClientSpec spec)
{
    private readonly ViewMap _view = new(spec.View);

    public ClientSpec Spec { get; } = spec;

    public string Name => Spec.Name;

    public string? ClientPath(string depotPath) => _view.Translate(depotPath);

    public string? LocalPath(string depotPath) => ClientPath(depotPath) is { } clientPath ? LocalOfClient(clientPath) : null;

    public string? DepotPathOfClient(string clientPath) => _view.TranslateBack(clientPath);

    public string LocalOfClient(string clientPath)
    {
        var prefix = $"//{Name}/";
        var relative = clientPath.StartsWith(prefix, StringComparison.Ordinal) ? clientPath[prefix.Length..] : clientPath.TrimStart('/');
        return Path.Combine(Spec.Root, relative);
    }

    /// <summary>Client syntax for a local path, or null when it is not under the client root.</summary>
    public string? ClientOfLocal(string localPath)
    {
        var root = Spec.Root.TrimEnd('/');
        if (localPath == root)
        {
            return $"//{Name}";
        }

        return localPath.StartsWith(root + "/", StringComparison.Ordinal) ? $"//{Name}/{localPath[(root.Length + 1)..]}" : null;
    }
}
