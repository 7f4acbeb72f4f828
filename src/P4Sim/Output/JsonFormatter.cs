using System.Text.Encodings.Web;
using System.Text.Json;

namespace P4Flow.P4Sim.Output;

/// <summary>`-Mj`: one JSON object per line; without -ztag records collapse to their text as data.</summary>
internal sealed class JsonFormatter(TextWriter stdout, TextWriter stderr, bool tagged) : OutputFormatter(stdout, stderr)
{
    // p4 writes '/', '+' and '@' literally; the default encoder would escape them.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Message(P4Message message)
    {
        if (message.Severity == Severity.Info)
        {
            Stdout.Write(Write(w =>
            {
                w.WriteString("data", message.Text);
                w.WriteNumber("level", message.Level);
            }) + "\n");
            return;
        }

        Stdout.Flush();
        Stderr.Write(Write(w =>
        {
            w.WriteString("data", message.Text + "\n");
            w.WriteNumber("severity", (int)message.Severity);
            w.WriteNumber("generic", (int)message.Generic);
        }) + "\n");
    }

    public override void Record(TagRecord record, string? text)
    {
        if (!tagged && text is not null)
        {
            Message(new P4Message(Severity.Info, GenericCode.None, text));
            return;
        }

        Stdout.Write(Write(w =>
        {
            foreach (var (key, value) in record.Fields)
            {
                w.WriteString(key, value);
            }
        }) + "\n");
    }

    public override void FileText(string content) =>
        Stdout.Write(Write(w => w.WriteString("data", content)) + "\n");

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
