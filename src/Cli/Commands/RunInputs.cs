using System.Text.Json;
using System.Text.Json.Nodes;

namespace P4Flow.Cli.Commands;

/// <summary>
/// A run's inputs from the command line: `name=text` is a string, `name:=json` a JSON value (a number, true, a list),
/// as httpie writes them; --input-file adds a JSON object's members first, so the command line wins.
/// </summary>
internal static class RunInputs
{
    public static JsonObject Parse(IEnumerable<string> pairs, FileInfo? file)
    {
        var input = new JsonObject();
        if (file is not null)
        {
            if (!file.Exists) throw new CliException(ExitCodes.Usage, $"--input-file {file.FullName} does not exist.");
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(File.ReadAllText(file.FullName));
            }
            catch (JsonException ex)
            {
                throw new CliException(ExitCodes.Usage, $"--input-file {file.Name}: not JSON: {ex.Message}");
            }
            if (parsed is not JsonObject fromFile) throw new CliException(ExitCodes.Usage, $"--input-file {file.Name} must hold a JSON object of inputs ({{\"name\": value}}).");
            foreach (var (name, value) in fromFile) input[name] = value?.DeepClone();
        }
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var (name, value) = One(pair);
            if (!given.Add(name)) throw new CliException(ExitCodes.Usage, $"--input {name} is given twice.");
            input[name] = value;
        }
        return input;
    }

    private static (string Name, JsonNode? Value) One(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0) throw new CliException(ExitCodes.Usage, $"--input '{pair}' must be name=value (a string) or name:=json (a JSON value).");
        var raw = equals > 1 && pair[equals - 1] == ':';
        var name = pair[..(raw ? equals - 1 : equals)].Trim();
        if (name.Length == 0) throw new CliException(ExitCodes.Usage, $"--input '{pair}' has no name before '='.");
        var text = pair[(equals + 1)..];
        if (!raw) return (name, JsonValue.Create(text));
        try
        {
            return (name, JsonNode.Parse(text));
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"--input {name}:= is not JSON ({ex.Message}); write {name}=text for a string.");
        }
    }
}
