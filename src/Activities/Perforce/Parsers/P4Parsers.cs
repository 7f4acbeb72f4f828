using System.Globalization;
using System.Text.RegularExpressions;

namespace P4Flow.Activities.Perforce.Parsers;

/// <summary>Reads each command's output: tagged records first, the reference's text lines as the fallback.</summary>
public static partial class P4Parsers
{
    public static SyncResult Sync(P4Output output)
    {
        var files = output.Records.Where(r => r.ContainsKey("depotFile"))
            .Select(r => new P4File(r["depotFile"], r.GetValueOrDefault("action"), r.GetValueOrDefault("rev")))
            .ToList();
        if (files.Count == 0)
        {
            foreach (var m in Lines(output, SyncLine()))
                files.Add(new P4File(m.Groups["file"].Value, SyncAction(m.Groups["action"].Value), m.Groups["rev"].Value));
        }
        return new SyncResult(files, output.Says("file(s) up-to-date"));
    }

    public static IntegrateResult Integrate(P4Output output)
    {
        var files = output.Records.Where(r => r.ContainsKey("depotFile") && r.ContainsKey("action"))
            .Select(r => new P4File(r["depotFile"], r["action"], r.GetValueOrDefault("endFromRev"), r.GetValueOrDefault("fromFile")))
            .ToList();
        if (files.Count == 0)
        {
            // "#3" is one revision, "#2,#3" a range: the tagged endFromRev is the last one either way.
            foreach (var m in Lines(output, IntegrateLine()))
                files.Add(new P4File(m.Groups["file"].Value, IntegrateAction(m.Groups["action"].Value), m.Groups["end"].Success ? m.Groups["end"].Value : m.Groups["start"].Value, m.Groups["from"].Value));
        }
        return new IntegrateResult(
            files,
            output.Says("already integrated"),
            [.. Lines(output, ExclusiveLine()).Select(m => m.Groups["file"].Value)],
            [.. Lines(output, MustSyncLine()).Select(m => m.Groups["file"].Value)],
            Lines(output, NoTarget()).Any());
    }

    /// <summary>`resolve -am/-as/-af/-at/-ay`: what got resolved, what was skipped, what was merged with conflict markers.</summary>
    public static ResolveResult Resolve(P4Output output)
    {
        var resolved = new List<P4File>();
        var skipped = new List<P4Conflict>();
        var markers = new List<P4Conflict>();
        P4Conflict? current = null;
        var conflicting = 0;
        // Per file: a header (record or "- merging" line), the chunk counts, then the outcome or "resolve skipped".
        foreach (var item in output.Items)
        {
            if (item.Record is { } record)
            {
                if (record.TryGetValue("toFile", out var toFile) && record.TryGetValue("how", out var how))
                    Done(toFile, how, record.GetValueOrDefault("fromFile"));
                else if (PendingFrom(record) is { } header)
                    (current, conflicting) = (header, 0);
                continue;
            }
            var text = item.Message!.Text;
            if (Header().Match(text) is { Success: true } h)
                (current, conflicting) = (FromHeader(h), 0);
            else if (Chunks().Match(text) is { Success: true } chunks)
                conflicting = int.Parse(chunks.Groups["conflicting"].Value, CultureInfo.InvariantCulture);
            else if (Skipped().Match(text) is { Success: true } skip)
                skipped.Add(current ?? new P4Conflict(skip.Groups["file"].Value, null, P4Conflict.TextConflict));
            else if (Outcome().Match(text) is { Success: true } outcome)
                Done(outcome.Groups["file"].Value, outcome.Groups["how"].Value, outcome.Groups["from"].Value);
        }
        return new ResolveResult(resolved, skipped, markers, output.Says("no file(s) to resolve"));

        void Done(string file, string how, string? from)
        {
            resolved.Add(new P4File(file, how, null, from));
            if (conflicting > 0 && how is "merge from" or "edit from")
                markers.Add(current ?? new P4Conflict(file, from, P4Conflict.TextConflict));
        }
    }

    /// <summary>`resolve -n`: the files still to resolve, each a text conflict or a binary (2-way) one.</summary>
    public static ResolvePreview ResolvePreview(P4Output output)
    {
        var pending = output.Records.Select(PendingFrom).OfType<P4Conflict>().ToList();
        if (pending.Count == 0) pending.AddRange(Lines(output, Header()).Select(FromHeader));
        return new ResolvePreview(pending);
    }

    public static ShelveResult Shelve(P4Output output)
    {
        var files = output.Records.Where(r => r.ContainsKey("depotFile"))
            .Select(r => new P4File(r["depotFile"], r.GetValueOrDefault("action"), r.GetValueOrDefault("rev")))
            .ToList();
        int? change = output.Records.Select(r => r.GetValueOrDefault("change")).OfType<string>().Select(ParseInt).FirstOrDefault(c => c is not null);
        if (files.Count == 0)
        {
            foreach (var m in Lines(output, ChangeFileLine()))
                files.Add(new P4File(m.Groups["file"].Value, m.Groups["action"].Value, m.Groups["rev"].Value));
        }
        change ??= Lines(output, ShelvedChange()).Select(m => ParseInt(m.Groups["change"].Value)).FirstOrDefault();
        return new ShelveResult(change, files);
    }

    public static SubmitResult Submit(P4Output output)
    {
        var files = output.Records.Where(r => r.ContainsKey("depotFile"))
            .Select(r => new P4File(r["depotFile"], r.GetValueOrDefault("action"), r.GetValueOrDefault("rev")))
            .ToList();
        if (files.Count == 0)
        {
            foreach (var line in Lines(output, ChangeFileLine()))
                files.Add(new P4File(line.Groups["file"].Value, line.Groups["action"].Value, line.Groups["rev"].Value));
        }
        var submitted = output.Records.Select(r => r.GetValueOrDefault("submittedChange")).OfType<string>().Select(ParseInt).FirstOrDefault(c => c is not null);
        if (submitted is null && Lines(output, Submitted()).FirstOrDefault() is { } m)
            submitted = ParseInt(m.Groups["renamed"].Success ? m.Groups["renamed"].Value : m.Groups["change"].Value);
        return new SubmitResult(submitted, files);
    }

    public static OpenedResult Opened(P4Output output)
    {
        var files = output.Records.Where(r => r.ContainsKey("depotFile"))
            .Select(r => new P4File(r["depotFile"], r.GetValueOrDefault("action"), r.GetValueOrDefault("rev")))
            .ToList();
        if (files.Count == 0)
        {
            foreach (var m in Lines(output, OpenedLine()))
                files.Add(new P4File(m.Groups["file"].Value, m.Groups["action"].Value, m.Groups["rev"].Value));
        }
        return new OpenedResult(files);
    }

    /// <summary>p4 changes: each change's number, status and client, newest first as p4 prints them.</summary>
    public static ChangesResult Changes(P4Output output)
    {
        var changes = output.Records.Where(r => r.ContainsKey("change"))
            .Select(r => new P4Change(ParseInt(r["change"]) ?? 0, r.GetValueOrDefault("status") ?? "", r.GetValueOrDefault("client") ?? "", r.GetValueOrDefault("shelved") is not null,
                r.GetValueOrDefault("user"), r.GetValueOrDefault("desc")))
            .Where(c => c.Number > 0)
            .ToList();
        if (changes.Count == 0)
        {
            foreach (var m in Lines(output, ChangesLine()))
                changes.Add(new P4Change(ParseInt(m.Groups["change"].Value) ?? 0, m.Groups["pending"].Success ? "pending" : "submitted", m.Groups["client"].Value, false, m.Groups["user"].Value));
        }
        return new ChangesResult(changes);
    }

    public static ChangeResult Change(P4Output output)
    {
        var m = Lines(output, ChangeSaved()).FirstOrDefault();
        return new ChangeResult(m is null ? null : ParseInt(m.Groups["change"].Value), m?.Groups["verb"].Value == "created");
    }

    /// <summary>
    /// p4 print -q: the file's text as printed. `-Mj` gives it as `{"data": ...}` objects (one or more chunks), which
    /// <see cref="P4Output"/> reads as messages line by line; the text is taken from the raw output instead, whole.
    /// </summary>
    public static string PrintedText(P4Output output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = new System.Text.StringBuilder();
        foreach (var line in output.Result.Stdout.Split('\n'))
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.String
                    && !root.TryGetProperty("severity", out _) && !root.TryGetProperty("level", out _))
                    text.Append(data.GetString());
            }
            catch (System.Text.Json.JsonException)
            {
                // Not one of p4's JSON lines.
            }
        }
        return text.ToString();
    }

    public static FstatResult Fstat(P4Output output)
    {
        var records = output.Records.Count > 0 ? output.Records : TaggedText(output);
        return new([.. records.Where(r => r.ContainsKey("depotFile") || r.ContainsKey("clientFile"))]);
    }

    // `-ztag` without -Mj prints "... key value" lines; the blank line between records is gone by now,
    // so a key seen twice starts the next record (fstat records are flat).
    private static List<IReadOnlyDictionary<string, string>> TaggedText(P4Output output)
    {
        var records = new List<IReadOnlyDictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var m in Lines(output, TaggedField()))
        {
            var key = m.Groups["key"].Value;
            if (current is null || current.ContainsKey(key))
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                records.Add(current);
            }
            current[key] = m.Groups["value"].Value;
        }
        return records;
    }

    private static string SyncAction(string verb) => verb switch
    {
        "added as" => "added",
        "updating" => "updated",
        "deleted as" => "deleted",
        "refreshing" => "refreshed",
        "replacing" => "replaced",
        _ => verb,
    };

    // A binary (or base-less) file only offers a 2-way resolve: it needs a person or a side chosen.
    private static P4Conflict? PendingFrom(IReadOnlyDictionary<string, string> record) =>
        record.TryGetValue("clientFile", out var file) && record.TryGetValue("fromFile", out var from)
            ? new P4Conflict(file, from, record.GetValueOrDefault("contentResolveType") is "2wayraw" or "3wayraw" ? P4Conflict.Binary : P4Conflict.TextConflict)
            : null;

    private static P4Conflict FromHeader(Match header) =>
        new(header.Groups["file"].Value, header.Groups["from"].Value, header.Groups["kind"].Value == "vs" ? P4Conflict.Binary : P4Conflict.TextConflict);

    /// <summary>
    /// "branch/sync" (a new target file) is a branch; "sync/integrate" and "sync/delete" are an integrate or delete
    /// of a target p4 first synced to head because the workspace was behind.
    /// </summary>
    private static string IntegrateAction(string action) => action switch
    {
        "branch/sync" => "branch",
        "sync/integrate" => "integrate",
        "sync/delete" => "delete",
        _ => action,
    };

    private static IEnumerable<Match> Lines(P4Output output, Regex pattern) =>
        output.Messages.Select(m => pattern.Match(m.Text)).Where(m => m.Success);

    private static int? ParseInt(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex(@"^(?<file>//[^#\s]+)#(?<rev>\d+) - (?<action>added as|updating|deleted as|refreshing|replacing) ")]
    private static partial Regex SyncLine();

    [GeneratedRegex(@"^(?<file>//[^#\s]+)#(?<rev>\d+) - (?<action>integrate|branch/sync|delete|sync/integrate|sync/delete) from (?<from>//[^#\s]+)#(?<start>[^,\s]+)(?:,#(?<end>\S+?))?(?: using base \S+)?$")]
    private static partial Regex IntegrateLine();

    [GeneratedRegex(@"^(?<file>//\S+) - can't integrate exclusive file already opened")]
    private static partial Regex ExclusiveLine();

    [GeneratedRegex(@"^(?<file>//\S+) - must sync before integrating")]
    private static partial Regex MustSyncLine();

    // Both server wordings, with and without a file argument.
    [GeneratedRegex(@"no target file\(s\) in (?:both client and )?branch view", RegexOptions.IgnoreCase)]
    private static partial Regex NoTarget();

    [GeneratedRegex(@"^\.\.\. (?<key>[A-Za-z][A-Za-z0-9]*)(?: (?<value>.*))?$")]
    private static partial Regex TaggedField();

    [GeneratedRegex(@"^(?<file>\S.*?) - (?<kind>merging|vs|resolving \w+ from) (?<from>//[^#\s]+)")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(?:Diff chunks|Non-text diff): (?<yours>\d+) yours \+ (?<theirs>\d+) theirs \+ (?<both>\d+) both \+ (?<conflicting>\d+) conflicting")]
    private static partial Regex Chunks();

    [GeneratedRegex(@"^(?<file>\S.*?) - resolve skipped\.$")]
    private static partial Regex Skipped();

    [GeneratedRegex(@"^(?<file>\S.*?) - (?<how>merge from|copy from|edit from|ignored) (?<from>//\S+)$")]
    private static partial Regex Outcome();

    // A file of a shelved or submitted change: "edit //depot/rel/a.c#4".
    [GeneratedRegex(@"^(?<action>edit|add|delete|branch|integrate|move/add|move/delete) (?<file>//[^#\s]+)#(?<rev>\S+)$")]
    private static partial Regex ChangeFileLine();

    [GeneratedRegex(@"^(?:Change (?<change>\d+) files shelved\.|Shelving files for change (?<change>\d+)\.)$")]
    private static partial Regex ShelvedChange();

    [GeneratedRegex(@"^Change (?<change>\d+) (?:renamed change (?<renamed>\d+) and )?submitted\.$")]
    private static partial Regex Submitted();

    [GeneratedRegex(@"^(?<file>//[^#\s]+)#(?<rev>\S+) - (?<action>\S+) (?:default change|change \d+) \(")]
    private static partial Regex OpenedLine();

    // "Change 42 on 2026/12/04 by alice@alice-ws 'Fix the build'" and "... *pending* '...'".
    [GeneratedRegex(@"^Change (?<change>\d+) on \S+ by (?<user>[^@\s]+)@(?<client>\S+)(?<pending> \*pending\*)?")]
    private static partial Regex ChangesLine();

    [GeneratedRegex(@"^Change (?<change>\d+) (?<verb>created|updated)")]
    private static partial Regex ChangeSaved();
}
