namespace P4Flow.P4Sim.Output;

/// <summary>An ordered set of tagged fields, as `-ztag` prints them.</summary>
internal sealed class TagRecord
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public TagRecord Add(string key, string value)
    {
        _fields.Add(new(key, value));
        return this;
    }

    public TagRecord Add(string key, long value) =>
        Add(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
