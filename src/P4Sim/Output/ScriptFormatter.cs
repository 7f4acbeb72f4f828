namespace P4Flow.P4Sim.Output;

/// <summary>`-s`: every line on stdout with its kind prefixed, and a closing "exit: N".</summary>
internal sealed class ScriptFormatter(TextWriter stdout, TextWriter stderr, bool tagged) : OutputFormatter(stdout, stderr)
{
    public override void Message(P4Message message)
    {
        var prefix = message.Severity switch
        {
            Severity.Info => message.Level == 0 ? "info" : $"info{message.Level}",
            Severity.Warning => "warning",
            _ => "error",
        };
        foreach (var line in message.Text.Split('\n'))
        {
            Stdout.Write($"{prefix}: {line}\n");
        }
    }

    public override void Record(TagRecord record, string? text)
    {
        if (text is not null && !tagged)
        {
            foreach (var line in text.Split('\n'))
            {
                Stdout.Write($"info: {line}\n");
            }

            return;
        }

        foreach (var (key, value) in record.Fields)
        {
            Stdout.Write(value.Length == 0 ? $"info1: {key}\n" : $"info1: {key} {value}\n");
        }
    }

    public override void FileText(string content)
    {
        var lines = content.Split('\n');
        var count = content.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
        {
            Stdout.Write($"text: {lines[i]}\n");
        }
    }

    public override void Finish(int exitCode) => Stdout.Write($"exit: {exitCode}\n");
}
