namespace P4Flow.P4Sim.Security;

/// <summary>
/// The client's tickets file (P4TICKETS, $HOME/.p4tickets) or trust file (P4TRUST, $HOME/.p4trust), in p4's
/// format: one "server=user:value" line each. Trust lines use the markers "**++**" (the trusted fingerprint) and
/// "++++++" (a replacement) in place of a user; their value holds colons, so a marker ends at the first colon
/// and a user name at the last. Rewritten whole through a temporary file renamed into place, then made readable
/// by its owner only (0400), as p4 does (its Ticket::WriteTicketFile chmods the file FPM_ROO).
/// </summary>
internal sealed class CredentialFile(string path)
{
    public const string TrustMarker = "**++**";
    public const string ReplacementMarker = "++++++";
    private const string Wildcard = "******";

    public string Path { get; } = path;

    public string? Get(string server, string user) => Find(Read(), server, user)?.Value;

    /// <summary>Sets the value for server and user, replacing their line or adding one.</summary>
    public void Put(string server, string user, string value)
    {
        var entries = Read();
        var existing = Find(entries, server, user);
        if (existing is null)
        {
            entries.Add(new Entry(server, user, value));
        }
        else
        {
            entries[entries.IndexOf(existing)] = existing with { User = user, Value = value };
        }

        Write(entries);
    }

    /// <summary>Removes the line for server and user; false when there was none.</summary>
    public bool Remove(string server, string user)
    {
        var entries = Read();
        var existing = Find(entries, server, user);
        if (existing is null)
        {
            return false;
        }

        entries.Remove(existing);
        Write(entries);
        return true;
    }

    public List<Entry> Read()
    {
        var entries = new List<Entry>();
        if (!File.Exists(Path))
        {
            return entries;
        }

        foreach (var line in File.ReadAllLines(Path))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var rest = line[(equals + 1)..];
            var isTrust = rest.StartsWith(TrustMarker, StringComparison.Ordinal) || rest.StartsWith(ReplacementMarker, StringComparison.Ordinal) ||
                rest.StartsWith(Wildcard, StringComparison.Ordinal);
            var colon = isTrust ? rest.IndexOf(':', StringComparison.Ordinal) : rest.LastIndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            entries.Add(new Entry(line[..equals], rest[..colon], rest[(colon + 1)..]));
        }

        return entries;
    }

    // p4 matches the server ignoring case; "******" stands for any user.
    private static Entry? Find(List<Entry> entries, string server, string user) =>
        entries.Find(e => string.Equals(e.Server, server, StringComparison.OrdinalIgnoreCase) && (e.User == user || e.User == Wildcard || user == Wildcard));

    private void Write(List<Entry> entries)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, string.Concat(entries.Select(e => $"{e.Server}={e.User}:{e.Value}\n")));
        File.Move(temporary, Path, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, UnixFileMode.UserRead);
        }
    }

    public sealed record Entry(string Server, string User, string Value);
}
