namespace P4Flow.P4Sim.Output;

/// <summary>Writes messages, tagged records and file text in one of p4's output forms.</summary>
internal abstract class OutputFormatter(TextWriter stdout, TextWriter stderr)
{
    protected TextWriter Stdout { get; } = stdout;

    protected TextWriter Stderr { get; } = stderr;

    public abstract void Message(P4Message message);

    /// <summary>A tagged record; <paramref name="text"/> is its untagged form, null when the command is always tagged (fstat).</summary>
    public abstract void Record(TagRecord record, string? text);

    public abstract void FileText(string content);

    /// <summary>Text p4 writes with printf, outside its message forms: prompts.</summary>
    public void Raw(string text) => Stdout.Write(text);

    public virtual void Finish(int exitCode)
    {
    }

    protected static string Dots(int level) => string.Concat(Enumerable.Repeat("... ", level));

    protected void WriteTagged(TagRecord record)
    {
        foreach (var (key, value) in record.Fields)
        {
            Stdout.Write(value.Length == 0 ? $"... {key}\n" : $"... {key} {value}\n");
        }

        Stdout.Write('\n');
    }

    public static OutputFormatter Create(OutputMode mode, TextWriter stdout, TextWriter stderr) => mode switch
    {
        { Json: true } => new JsonFormatter(stdout, stderr, mode.Tagged),
        { Script: true } => new ScriptFormatter(stdout, stderr, mode.Tagged),
        { Tagged: true } => new TaggedFormatter(stdout, stderr),
        _ => new TextFormatter(stdout, stderr),
    };
}
