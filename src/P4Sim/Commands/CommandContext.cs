using System.Globalization;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim.Commands;

/// <summary>What a command runs with: the caller, its workspace, the loaded depot and the output.</summary>
internal sealed class CommandContext(ConnectionSettings settings, OutputSink output, DepotStore store, DepotState state, IReadOnlyList<string> arguments, long now, CancellationToken cancellation)
{
    public ConnectionSettings Settings { get; } = settings;

    public OutputSink Out { get; } = output;

    public DepotStore Store { get; } = store;

    public DepotState State { get; } = state;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    /// <summary>Server time, unix seconds.</summary>
    public long Now { get; } = now;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Text a command reads from standard input (the form for "-i").</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>File that gets one "bytes path" line per workspace write (P4SIM_WORKSPACE_LOG); null for none.</summary>
    public string? WorkspaceLog { get; init; }

    /// <summary>The depot's address as the caller gave it (P4PORT), which says whether it is reached over SSL.</summary>
    public ServerAddress Address { get; init; } = null!;

    public bool Dirty { get; private set; }

    public string User => Settings.User;

    public string ClientName => Settings.Client;

    public Workspace? Workspace =>
        State.Clients.TryGetValue(Settings.Client, out var spec) ? new Workspace(spec) : null;

    public void MarkDirty() => Dirty = true;

    /// <summary>dm.domain.accessupdate: 300 unless `p4 configure set` changed it.</summary>
    private long AccessUpdateSeconds =>
        long.TryParse(State.Configurables.GetValueOrDefault("dm.domain.accessupdate"), System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 1 ? seconds : 300;

    /// <summary>
    /// p4's prompt: the text on stdout, then a line from standard input; null at its end. For a hidden answer
    /// (a password) p4 writes a newline once it turns echo back on, whether or not stdin is a terminal.
    /// </summary>
    public string? Prompt(string text, bool hidden)
    {
        Out.Prompt(text);
        var line = Input.ReadLine();
        if (hidden)
        {
            Out.Prompt("\n");
        }

        return line;
    }

    /// <summary>
    /// The caller's workspace, or false after printing p4's "unknown client" error. A command that works in the
    /// workspace uses it: its Access time is brought up to now, but, as p4d does, only once
    /// dm.domain.accessupdate seconds have passed since the last time it was (see REFERENCE.md, "Workspace access time").
    /// </summary>
    public bool TryWorkspace(out Workspace workspace)
    {
        workspace = Workspace!;
        if (workspace is not null)
        {
            if (Now - workspace.Spec.Access >= AccessUpdateSeconds)
            {
                workspace.Spec.Access = Now;
                MarkDirty();
            }

            return true;
        }

        Out.Error($"Client '{ClientName}' unknown - use 'client' command to create it.", GenericCode.Unknown);
        return false;
    }

    /// <summary>Parses file arguments; with none, all files ("//...") when allowed. Null after printing an error.</summary>
    public List<FileSpec>? Specs(IReadOnlyList<string> files, bool defaultAll = true)
    {
        var raw = files.Count == 0 && defaultAll ? ["//..."] : files;
        var specs = new List<FileSpec>();
        foreach (var file in raw)
        {
            var spec = FileSpec.Parse(file, Workspace, Settings.CurrentDirectory, out var error);
            if (spec is null)
            {
                Out.Error(error!, GenericCode.Usage);
                return null;
            }

            specs.Add(spec);
        }

        return specs;
    }

    /// <summary>Depot paths known to the server or opened by this client, in depot order.</summary>
    public IEnumerable<string> KnownPaths() =>
        State.Files.Keys.Union(State.Opened.Where(o => o.Client == ClientName).Select(o => o.DepotPath)).Order(StringComparer.Ordinal);

    /// <summary>
    /// Every write of a file into a workspace goes through here, so the depot can count them
    /// (DepotState.WorkspaceWrites) and P4SIM_WORKSPACE_LOG can list them.
    /// </summary>
    public void WriteWorkspaceFile(string localPath, byte[] content, bool writable)
    {
        LocalFiles.Write(localPath, content, writable);
        State.WorkspaceWrites.Files++;
        State.WorkspaceWrites.Bytes += content.Length;
        MarkDirty();
        if (WorkspaceLog is not null)
        {
            File.AppendAllText(WorkspaceLog, $"{content.Length.ToString(CultureInfo.InvariantCulture)} {localPath}\n");
        }
    }

    public byte[] Content(string? blob) => blob is null ? [] : Store.GetBlob(blob);

    public static string FormatTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string FormatDay(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);

    public static string ChangeName(int change) => change == 0 ? "default" : change.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The plural rule: with no file argument print the capitalised message once, else
    /// "ARG - message" per argument.
    /// </summary>
    public void WarnPerArgument(IReadOnlyList<string> files, string noArgs, string perArg, GenericCode generic = GenericCode.Empty)
    {
        if (files.Count == 0)
        {
            Out.Warn(noArgs, generic);
            return;
        }

        foreach (var file in files)
        {
            Out.Warn($"{file} - {perArg}", generic);
        }
    }

    public int NewChangeNumber() => ++State.LastChange;
}
