using System.Text;

namespace P4Flow.P4Sim.Tests;

/// <summary>
/// A fresh depot and workspace in a temporary folder, with p4 run in-process through the
/// simulator's entry point. Time is pinned so dates in the output are known.
/// </summary>
internal sealed class SimHarness : IDisposable
{
    public const long Now = 1714564800; // 2024/05/01 12:00:00 UTC

    public SimHarness(string client = "ws", bool createClient = true)
    {
        Folder = Path.Combine(Path.GetTempPath(), "p4sim-" + Guid.NewGuid().ToString("N"));
        DepotRoot = Path.Combine(Folder, "depot");
        Root = Path.Combine(Folder, "ws");
        Directory.CreateDirectory(DepotRoot);
        Directory.CreateDirectory(Root);
        Client = client;
        Environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["P4PORT"] = DepotRoot,
            ["P4USER"] = "bob",
            ["P4CLIENT"] = client,
            ["P4SIM_NOW"] = Now.ToString(System.Globalization.CultureInfo.InvariantCulture),

            // p4 keeps tickets and trust under $HOME: never the home of whoever runs the tests.
            ["HOME"] = Folder,
        };
        if (createClient)
        {
            CreateClient(client, Root, "bob");
        }
    }

    public string Folder { get; }

    public string DepotRoot { get; }

    /// <summary>The workspace root of the default client.</summary>
    public string Root { get; }

    public string Client { get; }

    public Dictionary<string, string> Environment { get; }

    public P4Result Run(params string[] args) => RunWithInput("", args);

    public P4Result RunWithInput(string input, params string[] args) => RunAs(Environment, input, args);

    /// <summary>Runs with some environment variables changed (P4PASSWD, P4SIM_NOW...) for this run only.</summary>
    public P4Result RunWith(IReadOnlyDictionary<string, string> changes, string input, params string[] args)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in changes)
        {
            environment[key] = value;
        }

        return RunAs(environment, input, args);
    }

    public P4Result RunAs(IReadOnlyDictionary<string, string> environment, string input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(input);
        var exit = P4Simulator.Run(args, stdout, stderr, environment, Root, stdin);
        return new P4Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs as another user on another client (which it creates).</summary>
    public P4Result RunOther(string user, string client, params string[] args)
    {
        var environment = new Dictionary<string, string>(Environment) { ["P4USER"] = user, ["P4CLIENT"] = client };
        return RunAs(environment, "", args);
    }

    public void CreateClient(string name, string root, string owner)
    {
        var form = $"Client:\t{name}\n\nOwner:\t{owner}\n\nRoot:\t{root}\n\nView:\n\t//depot/... //{name}/...\n";
        Ok(RunWithInput(form, "client", "-i"));
    }

    public string Local(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    public void Write(string relative, byte[] content)
    {
        var path = Local(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserWrite);
        }

        File.WriteAllBytes(path, content);
    }

    public string Read(string relative) => File.ReadAllText(Local(relative));

    /// <summary>Adds (or edits) files with the given content and submits them in one change.</summary>
    public void Submit(string description, params (string Path, string Text)[] files)
    {
        foreach (var (path, text) in files)
        {
            var depotPath = "//depot/" + path;
            var existing = File.Exists(Local(path));
            if (existing)
            {
                Ok(Run("edit", depotPath));
            }

            Write(path, text);
            if (!existing)
            {
                Ok(Run("add", Local(path)));
            }
        }

        Ok(Run("submit", "-d", description));
    }

    /// <summary>main/a.c with ten lines, branched to rel/a.c (changes 1 and 2).</summary>
    public void BranchedFile(string name = "a.c")
    {
        Submit("add main", ($"main/{name}", TenLines()));
        Ok(Run("integrate", "//depot/main/...", "//depot/rel/..."));
        Ok(Run("submit", "-d", "branch"));
    }

    public static string TenLines(params (int Line, string Text)[] changes)
    {
        var lines = Enumerable.Range(1, 10).Select(i => $"line {i}").ToArray();
        foreach (var (line, text) in changes)
        {
            lines[line - 1] = text;
        }

        return string.Join('\n', lines) + "\n";
    }

    public static P4Result Ok(P4Result result)
    {
        Assert.True(result.Exit == 0, $"p4 failed: {result.Stdout}{result.Stderr}");
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over cleanup.
        }
    }
}
