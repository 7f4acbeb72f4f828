using System.Globalization;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 configure set [server#]name=value / unset name / show [name]: server settings, kept in the depot.
/// Only "security" changes what the simulator does; any other name is stored and shown.
/// </summary>
internal static class ConfigureCommand
{
    private const string Usage = "Usage: configure { show [ allservers | <P4NAME> | <variable> ] | set [<P4NAME>#]variable=value | unset [<P4NAME>#]variable }";

    public static void Run(CommandContext context)
    {
        var args = context.Arguments;
        switch (args.Count > 0 ? args[0] : "")
        {
            case "set" when args.Count == 2 && args[1].Contains('=', StringComparison.Ordinal):
                Set(context, args[1]);
                break;
            case "unset" when args.Count == 2:
                Unset(context, args[1]);
                break;
            case "show" when args.Count <= 2:
                Show(context, args.Count == 2 ? args[1] : null);
                break;
            default:
                context.Out.Error(Usage, GenericCode.Usage);
                break;
        }
    }

    private static void Set(CommandContext context, string assignment)
    {
        var (server, name) = Split(assignment[..assignment.IndexOf('=', StringComparison.Ordinal)]);
        var value = assignment[(assignment.IndexOf('=', StringComparison.Ordinal) + 1)..];
        if (name == "security" && !(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level <= 6))
        {
            context.Out.Error($"Configuration variable '{name}' may not be set to '{value}'.", GenericCode.Usage);
            return;
        }

        context.State.Configurables[name] = value;
        context.MarkDirty();
        context.Out.Info($"For server '{server}', configuration variable '{name}' set to '{value}'");
    }

    private static void Unset(CommandContext context, string variable)
    {
        var (server, name) = Split(variable);
        if (context.State.Configurables.Remove(name))
        {
            context.MarkDirty();
        }

        context.Out.Info($"For server '{server}', configuration variable '{name}' removed.");
    }

    private static void Show(CommandContext context, string? name)
    {
        var shown = context.State.Configurables.Where(c => name is null || c.Key == name).ToList();
        if (shown.Count == 0 && name == "security")
        {
            Print(context, name, "0", "default");
            return;
        }

        if (shown.Count == 0 && name is null)
        {
            context.Out.Info("No configurables have been set.");
            return;
        }

        foreach (var (key, value) in shown)
        {
            Print(context, key, value, "configure");
        }
    }

    private static void Print(CommandContext context, string name, string value, string type) =>
        context.Out.Record(new TagRecord().Add("Type", type).Add("Name", name).Add("Value", value), $"{name}={value} ({type})");

    /// <summary>"server#name" or "name", which applies to any server.</summary>
    private static (string Server, string Name) Split(string variable)
    {
        var hash = variable.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? ("any", variable) : (variable[..hash], variable[(hash + 1)..]);
    }
}
