using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Commands;

/// <summary>p4 branch -o / -i: the branch specs that integrate -b uses.</summary>
internal static class BranchCommand
{
    private const string Header =
        "# A Perforce Branch Specification.\n" +
        "#\n" +
        "#  Branch:      The branch name.\n" +
        "#  Update:      The date this specification was last modified.\n" +
        "#  Access:      The date of the last 'integrate' using this branch.\n" +
        "#  Owner:       The user who created this branch.\n" +
        "#  Description: A short description of the branch (optional).\n" +
        "#  Options:     Branch update options: [un]locked.\n" +
        "#  View:        Lines to map source depot files to target depot files.\n" +
        "#\n" +
        "# Use 'p4 help branch' to see more about branch views.\n\n";

    public static void Run(CommandContext context)
    {
        var args = new CommandArguments(context.Arguments, "");
        if (args.Has("-i"))
        {
            Save(context, SpecForm.Parse(context.Input.ReadToEnd()));
            return;
        }

        if (args.Files.Count == 0)
        {
            context.Out.Error("Missing branch name.", GenericCode.Usage);
            return;
        }

        var name = args.Files[0];
        var exists = context.State.Branches.TryGetValue(name, out var spec);
        spec ??= new BranchSpec { Name = name, Owner = context.User, Description = $"Created by {context.User}.", View = [$"//depot/... //depot/..."] };
        var form = new SpecForm().Value("Branch", spec.Name);
        if (exists)
        {
            form.Value("Update", CommandContext.FormatTime(spec.Update)).Value("Access", CommandContext.FormatTime(spec.Access));
        }

        form.Value("Owner", spec.Owner)
            .Lines("Description", spec.Description.Split('\n'))
            .Value("Options", spec.Options)
            .Lines("View", spec.View)
            .Print(context, Header);
    }

    private static void Save(CommandContext context, Dictionary<string, List<string>> fields)
    {
        var name = SpecForm.Single(fields, "Branch");
        if (name is null)
        {
            context.Out.Error("Error in branch specification.\nMissing required field 'Branch'.", GenericCode.Usage);
            return;
        }

        var view = fields.GetValueOrDefault("View") ?? [];
        var description = string.Join('\n', fields.GetValueOrDefault("Description") ?? []);
        if (context.State.Branches.TryGetValue(name, out var existing) && existing.View.SequenceEqual(view) && existing.Description == description)
        {
            context.Out.Info($"Branch {name} not changed.");
            return;
        }

        context.State.Branches[name] = new BranchSpec
        {
            Name = name,
            Owner = SpecForm.Single(fields, "Owner") ?? context.User,
            Description = description,
            Options = SpecForm.Single(fields, "Options") ?? "unlocked",
            View = view,
            Update = context.Now,
            Access = context.Now,
        };
        context.MarkDirty();
        context.Out.Info($"Branch {name} saved.");
    }
}
