using P4Flow.P4Sim.Output;

namespace P4Flow.P4Sim.Cli;

/// <summary>The options before the command name, merged with P4CONFIG and the environment.</summary>
internal sealed record GlobalOptions(ConnectionSettings Settings, OutputMode Mode, string? Command, IReadOnlyList<string> Arguments, string? Error)
{
    public static GlobalOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string currentDirectory)
    {
        var explicitValues = new Dictionary<string, string>(StringComparer.Ordinal);
        bool script = false, tagged = false, json = false, quiet = false;
        var i = 0;
        string? error = null;
        for (; i < args.Count && args[i].Length > 1 && args[i][0] == '-'; i++)
        {
            var option = args[i];
            switch (option)
            {
                case "-s": script = true; continue;
                case "-q": quiet = true; continue;
                case "-ztag": tagged = true; continue;
                case "-Mj": json = true; continue;
                case "-z" when i + 1 < args.Count && args[i + 1] == "tag": tagged = true; i++; continue;
                case "-M" when i + 1 < args.Count && args[i + 1] == "j": json = true; i++; continue;
                default: break;
            }

            var key = option[1] switch
            {
                'p' => "P4PORT",
                'u' => "P4USER",
                'c' => "P4CLIENT",
                'd' => "PWD",
                'H' => "P4HOST",
                'P' => "P4PASSWD",
                'C' => "P4CHARSET",
                _ => null,
            };
            if (key is null)
            {
                error = $"Invalid option: {option}.";
                break;
            }

            var value = option.Length > 2 ? option[2..] : (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
            {
                error = $"Missing argument for option {option}.";
                break;
            }

            explicitValues[key] = value;
        }

        var cwd = explicitValues.GetValueOrDefault("PWD") ?? currentDirectory;
        var config = ReadConfigFile(environment.GetValueOrDefault("P4CONFIG"), cwd);
        string Setting(string name, string fallback) =>
            explicitValues.GetValueOrDefault(name) ?? config.GetValueOrDefault(name) ?? environment.GetValueOrDefault(name) ?? fallback;

        var host = Setting("P4HOST", Environment.MachineName);
        var settings = new ConnectionSettings(
            Setting("P4PORT", "perforce:1666"),
            Setting("P4USER", environment.GetValueOrDefault("USER") ?? "user"),
            Setting("P4CLIENT", host),
            host,
            cwd)
        {
            Password = explicitValues.GetValueOrDefault("P4PASSWD") ?? config.GetValueOrDefault("P4PASSWD") ?? environment.GetValueOrDefault("P4PASSWD"),
            TicketsFile = Setting("P4TICKETS", DefaultClientFile(environment, ".p4tickets", "p4tickets.txt")),
            TrustFile = Setting("P4TRUST", DefaultClientFile(environment, ".p4trust", "p4trust.txt")),
        };
        var mode = new OutputMode(script, tagged, json, quiet);
        var command = error is null && i < args.Count ? args[i] : null;
        var rest = command is null ? [] : args.Skip(i + 1).ToList();
        return new GlobalOptions(settings, mode, command, rest, error);
    }

    /// <summary>Where p4 keeps tickets and trust without P4TICKETS/P4TRUST: $HOME/.p4tickets, %USERPROFILE%\p4tickets.txt on Windows.</summary>
    private static string DefaultClientFile(IReadOnlyDictionary<string, string> environment, string unixName, string windowsName)
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(environment.GetValueOrDefault("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), windowsName);
        }

        return Path.Combine(environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), unixName);
    }

    /// <summary>Values from the nearest P4CONFIG file in the directory or its parents; they beat the environment.</summary>
    private static Dictionary<string, string> ReadConfigFile(string? fileName, string directory)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(fileName))
        {
            return values;
        }

        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, fileName);
            if (!File.Exists(candidate))
            {
                continue;
            }

            foreach (var line in File.ReadAllLines(candidate))
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && !line.StartsWith('#'))
                {
                    values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
                }
            }

            break;
        }

        return values;
    }
}
