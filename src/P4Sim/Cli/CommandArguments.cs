namespace P4Flow.P4Sim.Cli;

/// <summary>
/// A command's own options. Flags that take a value ("-c 12" or "-c12") are declared by letter;
/// any other dash token is kept whole, so "-am" and "-Ru" stay single flags as p4 treats them.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CommandArguments(IReadOnlyList<string> args, string valueFlags)
    {
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            var letter = arg[1];
            if (valueFlags.Contains(letter, StringComparison.Ordinal))
            {
                var value = arg.Length > 2 ? arg[2..] : i + 1 < args.Count ? args[++i] : "";
                var key = letter.ToString();
                if (!_values.TryGetValue(key, out var list))
                {
                    _values[key] = list = [];
                }

                list.Add(value);
            }
            else
            {
                _flags.Add(arg);
            }
        }

        Files = args.Skip(i).ToList();
    }

    public IReadOnlyList<string> Files { get; }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(char letter) =>
        _values.TryGetValue(letter.ToString(), out var list) ? list[^1] : null;

    /// <summary>Every value a repeatable flag was given, in order ("-Ol -Or" gives "l", "r").</summary>
    public IReadOnlyList<string> Values(char letter) =>
        _values.TryGetValue(letter.ToString(), out var list) ? list : [];

    public int? IntValue(char letter) =>
        int.TryParse(Value(letter), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
