using System.Globalization;
using System.Text.Json;

namespace P4Flow.P4Sim.Faults;

/// <summary>
/// Faults for one command, from P4SIM_FAULT and from faults.json in the depot root.
/// P4SIM_FAULT holds items separated by ';', each KIND[:key=value,...] with the keys cmd
/// (commands joined by '+'), ms, path, owner (user@client) and port, e.g.
/// "latency:ms=200,cmd=sync+integrate;locked:path=//depot/rel/a.c,owner=alice@alice-ws".
/// </summary>
internal static class FaultPlan
{
    public static List<Fault> Load(string? environmentValue, string? depotRoot, string command)
    {
        var faults = ParseEnvironment(environmentValue);
        if (depotRoot is not null)
        {
            faults.AddRange(ConsumeFile(Path.Combine(depotRoot, "faults.json"), command));
        }

        return faults.FindAll(f => f.AppliesTo(command));
    }

    public static List<Fault> ParseEnvironment(string? value)
    {
        var faults = new List<Fault>();
        foreach (var item in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var fault = new Fault { Kind = colon < 0 ? item : item[..colon] };
            var settings = colon < 0 ? [] : item[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var setting in settings)
            {
                var equals = setting.IndexOf('=', StringComparison.Ordinal);
                var key = equals < 0 ? setting : setting[..equals];
                var text = equals < 0 ? "" : setting[(equals + 1)..];
                switch (key)
                {
                    case "cmd": fault.Commands = [.. text.Split('+', StringSplitOptions.RemoveEmptyEntries)]; break;
                    case "ms": fault.Milliseconds = int.Parse(text, CultureInfo.InvariantCulture); break;
                    case "path": fault.Path = text; break;
                    case "owner": fault.Owner = text; break;
                    case "port": fault.Port = text; break;
                    default: break;
                }
            }

            faults.Add(fault);
        }

        return faults;
    }

    /// <summary>Reads faults.json and counts down the Times of those that fire for this command.</summary>
    private static List<Fault> ConsumeFile(string path, string command)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var all = JsonSerializer.Deserialize(File.ReadAllText(path), FaultJsonContext.Default.ListFault) ?? [];
        var firing = all.FindAll(f => f.AppliesTo(command) && f.Times is null or > 0);
        if (firing.Exists(f => f.Times is not null))
        {
            foreach (var fault in firing.Where(f => f.Times is not null))
            {
                fault.Times--;
            }

            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(all, FaultJsonContext.Default.ListFault));
            File.Move(temporary, path, overwrite: true);
        }

        return firing;
    }
}
