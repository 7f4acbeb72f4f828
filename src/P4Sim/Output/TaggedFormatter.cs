namespace P4Flow.P4Sim.Output;

/// <summary>`-ztag`: records as "... key value" lines; plain messages stay as text.</summary>
internal sealed class TaggedFormatter(TextWriter stdout, TextWriter stderr) : TextFormatter(stdout, stderr)
{
    public override void Record(TagRecord record, string? text) => WriteTagged(record);
}
