using System.Globalization;
using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>
/// p4 counter [-f] [-d | -i] name [value] and p4 counters: named values kept by the server. "change" is the
/// last change number, readable by anyone and settable only with -f.
/// </summary>
internal static class CounterCommand
{
    private const string ChangeCounter = "change";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "");
        var files = args.Files;
        if (files.Count == 0 || files.Count > 2 || (files.Count == 2 && (args.Has("-d") || args.Has("-i"))))
        {
            context.Out.Error("Usage: counter [ -f ] [ -d | -i | -m ] [ -v ] [ --from=old --to=new ] counter_name [ value ] [ ... ]", GenericCode.Usage);
            return;
        }

        var name = files[0];
        if (name == ChangeCounter && (files.Count == 2 || args.Has("-d") || args.Has("-i")) && !args.Has("-f"))
        {
            // p4 protects the counters it keeps itself; the exact refusal is not in the public catalogs.
            context.Out.Error($"Can't change protected counter '{name}' without -f.", GenericCode.Protect);
            return;
        }

        if (args.Has("-d"))
        {
            Delete(context, name);
        }
        else if (args.Has("-i"))
        {
            Increment(context, name);
        }
        else if (files.Count == 2)
        {
            Set(context, name, files[1]);
            context.Out.Info($"Counter {name} set.");
        }
        else
        {
            Print(context, name, Get(context, name));
        }
    }

    public static void RunList(CommandContext context)
    {
        var all = new SortedDictionary<string, string>(context.State.Counters, StringComparer.Ordinal);
        if (context.State.LastChange > 0)
        {
            all[ChangeCounter] = context.State.LastChange.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (name, value) in all)
        {
            context.Out.Record(new TagRecord().Add("counter", name).Add("value", value), $"{name} = {value}");
        }
    }

    private static string Get(CommandContext context, string name) =>
        name == ChangeCounter
            ? context.State.LastChange.ToString(CultureInfo.InvariantCulture)
            : context.State.Counters.GetValueOrDefault(name) ?? "0";

    private static void Set(CommandContext context, string name, string value)
    {
        if (name == ChangeCounter && int.TryParse(value, CultureInfo.InvariantCulture, out var change))
        {
            context.State.LastChange = change;
        }
        else
        {
            context.State.Counters[name] = value;
        }

        context.MarkDirty();
    }

    private static void Delete(CommandContext context, string name)
    {
        if (context.State.Counters.Remove(name))
        {
            context.MarkDirty();
        }

        context.Out.Info($"Counter {name} deleted.");
    }

    private static void Increment(CommandContext context, string name)
    {
        if (!long.TryParse(Get(context, name), CultureInfo.InvariantCulture, out var value))
        {
            context.Out.Error($"Can't increment counter '{name}' - value is not numeric.", GenericCode.Usage);
            return;
        }

        var next = (value + 1).ToString(CultureInfo.InvariantCulture);
        Set(context, name, next);
        Print(context, name, next);
    }

    private static void Print(CommandContext context, string name, string value) =>
        context.Out.Record(new TagRecord().Add("counter", name).Add("value", value), value);
}
