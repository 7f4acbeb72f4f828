namespace P4Flow.P4Sim.Output;

/// <summary>Plain p4 output: info on stdout, warnings and errors on stderr.</summary>
internal class TextFormatter(TextWriter stdout, TextWriter stderr) : OutputFormatter(stdout, stderr)
{
    public override void Message(P4Message message)
    {
        if (message.Severity == Severity.Info)
        {
            Stdout.Write(Dots(message.Level) + message.Text + "\n");
        }
        else
        {
            Stdout.Flush();
            Stderr.Write(message.Text + "\n");
        }
    }

    public override void Record(TagRecord record, string? text)
    {
        if (text is null)
        {
            WriteTagged(record);
        }
        else
        {
            Stdout.Write(text + "\n");
        }
    }

    public override void FileText(string content) => Stdout.Write(content);
}
