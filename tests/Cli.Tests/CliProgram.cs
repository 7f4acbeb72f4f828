namespace P4Flow.Cli.Tests;

/// <summary>`p4flow` from its own build output (same configuration as this test project), run as a user runs it.</summary>
internal sealed class CliProgram(string configHome)
{
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    public static string Program => Path.Combine(OrchestratorBuild.RepositoryRoot, "src", "Cli", "bin", Output.Parent!.Name, Output.Name, "p4flow");

    /// <summary>Its own ~/.config (XDG_CONFIG_HOME): the credentials file lands in {ConfigHome}/p4flow.</summary>
    public string ConfigHome { get; } = configHome;

    public string CredentialsFile => Path.Combine(ConfigHome, "p4flow", "credentials.json");

    public Task<ProgramResult> RunAsync(params string[] args) => WithAsync(null, null, args);

    public Task<ProgramResult> WithAsync(string? stdin, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var variables = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = ConfigHome, ["NO_COLOR"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        return ProgramRun.RunAsync(Program, args, stdin: stdin, timeout: TimeSpan.FromMinutes(3), environment: variables);
    }

    public async Task<ProgramResult> CheckedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"p4flow {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Output}");
        return result;
    }
}
