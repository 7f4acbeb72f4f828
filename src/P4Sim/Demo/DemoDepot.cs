using System.Text;
using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Demo;

/// <summary>
/// p4 init-demo DIR: a depot where //depot/rel was branched from //depot/main and both moved on,
/// so integrating main into rel gives one clean merge (clean.c), one conflict (conflict.c) and
/// one binary file (logo.bin). Built by running the simulator's own commands.
/// </summary>
internal static class DemoDepot
{
    public const string User = "demo";
    public const string Client = "demo-ws";
    public const string Branch = "main-rel";

    public static void Create(IReadOnlyList<string> arguments, OutputSink output, IReadOnlyDictionary<string, string> environment)
    {
        if (arguments.Count != 1)
        {
            output.Error("Usage: init-demo DIR", GenericCode.Usage);
            return;
        }

        var root = Path.GetFullPath(arguments[0]);
        if (File.Exists(Path.Combine(root, "depot.json")))
        {
            output.Error($"{root} already holds a depot.", GenericCode.Context);
            return;
        }

        Directory.CreateDirectory(root);
        var workspace = Path.Combine(root, "workspace");
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["P4PORT"] = root,
            ["P4USER"] = User,
            ["P4CLIENT"] = Client,
        };
        if (environment.TryGetValue("P4SIM_NOW", out var now))
        {
            env["P4SIM_NOW"] = now;
        }

        var script = new DemoScript(env, workspace);
        script.Run($"Client: {Client}\n\nOwner: {User}\n\nRoot: {workspace}\n\nView:\n\t//depot/... //{Client}/...\n", "client", "-i");
        script.Write("main/clean.c", Lines("int clean", 10));
        script.Write("main/conflict.c", Lines("int conflict", 10));
        script.Write("main/logo.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01]);
        script.Run(null, "add", "//depot/main/...");
        script.Run(null, "submit", "-d", "Initial main");
        script.Run($"Branch: {Branch}\n\nOwner: {User}\n\nView:\n\t//depot/main/... //depot/rel/...\n", "branch", "-i");
        script.Run(null, "integrate", "-b", Branch);
        script.Run(null, "submit", "-d", "Branch main to rel");

        script.Run(null, "edit", "//depot/main/clean.c");
        script.Write("main/clean.c", Lines("int clean", 10).Replace("int clean2 = 2;", "int clean2 = 20; /* main */", StringComparison.Ordinal));
        script.Run(null, "submit", "-d", "Main: change that integrates cleanly");

        script.Run(null, "edit", "//depot/main/conflict.c", "//depot/main/logo.bin");
        script.Write("main/conflict.c", Lines("int conflict", 10).Replace("int conflict5 = 5;", "int conflict5 = 50; /* main */", StringComparison.Ordinal));
        script.Write("main/logo.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x02]);
        script.Run(null, "submit", "-d", "Main: change that conflicts with rel, new logo");

        script.Run(null, "edit", "//depot/rel/clean.c", "//depot/rel/conflict.c");
        script.Write("rel/clean.c", Lines("int clean", 10).Replace("int clean9 = 9;", "int clean9 = 90; /* rel */", StringComparison.Ordinal));
        script.Write("rel/conflict.c", Lines("int conflict", 10).Replace("int conflict5 = 5;", "int conflict5 = 55; /* rel */", StringComparison.Ordinal));
        script.Run(null, "submit", "-d", "Rel: local fixes");

        if (script.Failure is { } failure)
        {
            output.Error($"init-demo failed: {failure}", GenericCode.Unknown);
            return;
        }

        output.Info($"Demo depot created in {root}.");
        output.Info($"Use it with: export P4PORT={root} P4USER={User} P4CLIENT={Client}");
        output.Info($"Then: p4 integrate -b {Branch}; p4 resolve -am; p4 resolve -n");
    }

    private static string Lines(string prefix, int count)
    {
        var text = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{i} = {i};\n");
        }

        return text.ToString();
    }

    private sealed class DemoScript(Dictionary<string, string> environment, string workspace)
    {
        public string? Failure { get; private set; }

        public void Write(string relativePath, string text) => Write(relativePath, Encoding.UTF8.GetBytes(text));

        public void Write(string relativePath, byte[] content)
        {
            var path = Path.Combine(workspace, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                Commands.LocalFiles.SetWritable(path, true);
            }

            File.WriteAllBytes(path, content);
        }

        public void Run(string? input, params string[] args)
        {
            if (Failure is not null)
            {
                return;
            }

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            using var stdin = new StringReader(input ?? "");
            var exit = P4Simulator.Run(args, stdout, stderr, environment, workspace, stdin);
            if (exit != 0)
            {
                Failure = $"p4 {string.Join(' ', args)}: {stderr}";
            }
        }
    }
}
