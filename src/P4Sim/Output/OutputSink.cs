namespace P4Flow.P4Sim.Output;

/// <summary>What commands write to: applies -q and remembers the worst severity for the exit code.</summary>
internal sealed class OutputSink(OutputFormatter formatter, bool quiet)
{
    public Severity Worst { get; private set; } = Severity.Info;

    /// <summary>p4 exits 1 only when a message of severity FAILED or worse arrived.</summary>
    public int ExitCode => Worst >= Severity.Failed ? 1 : 0;

    public void Info(string text, int level = 0)
    {
        if (!quiet)
        {
            formatter.Message(new P4Message(Severity.Info, GenericCode.None, text, level));
        }
    }

    public void Warn(string text, GenericCode generic = GenericCode.Empty) => Emit(Severity.Warning, generic, text);

    public void Error(string text, GenericCode generic = GenericCode.Unknown) => Emit(Severity.Failed, generic, text);

    public void Fatal(string text, GenericCode generic) => Emit(Severity.Fatal, generic, text);

    /// <summary>
    /// An error the client shows itself and then carries on (p4 trust shows a key warning before installing the
    /// key): formatted as an error, but not counted toward the exit code.
    /// </summary>
    public void ClientError(string text, GenericCode generic) =>
        formatter.Message(new P4Message(Severity.Failed, generic, text));

    /// <summary>Makes the command exit 1 without a message, as the p4 client does when a user declines a prompt.</summary>
    public void Fail()
    {
        if (Worst < Severity.Failed)
        {
            Worst = Severity.Failed;
        }
    }

    /// <summary>A prompt's text (or the newline p4 writes after a hidden answer): raw on stdout in every output form.</summary>
    public void Prompt(string text) => formatter.Raw(text);

    public void Record(TagRecord record, string? text)
    {
        if (!quiet || text is null)
        {
            formatter.Record(record, text);
        }
    }

    public void FileText(string content) => formatter.FileText(content);

    public void Finish() => formatter.Finish(ExitCode);

    private void Emit(Severity severity, GenericCode generic, string text)
    {
        if (severity > Worst)
        {
            Worst = severity;
        }

        formatter.Message(new P4Message(severity, generic, text));
    }
}
