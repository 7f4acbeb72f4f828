using System.Text.RegularExpressions;

namespace P4Flow.Protocol;

/// <summary>
/// p4 keeps its tickets (P4TICKETS) and trusted server fingerprints (P4TRUST) in files that must outlive a job's
/// folder and never sit in it (a job's folder is the command's HOME, handed to whatever the job runs). A job names
/// such a file only through this placeholder, "$STATE/p4/NAME.tickets" or "$STATE/p4/NAME.trust"; the host that runs
/// the command puts the absolute path of its own state folder in. Any other value of these variables is refused, so a
/// job cannot point p4 at a file of its choosing.
/// </summary>
public static partial class CommandStateFile
{
    public const string Placeholder = "$STATE/";
    public const string Tickets = "P4TICKETS";
    public const string Trust = "P4TRUST";

    /// <summary>The variables whose values go through <see cref="TryExpand"/>.</summary>
    public static bool Governs(string variable) => variable is Tickets or Trust;

    /// <summary>The placeholder value for <paramref name="variable"/> of the server called <paramref name="server"/>.</summary>
    public static string For(string variable, string server)
    {
        if (!Governs(variable)) throw new ArgumentException($"{variable} is not a p4 state file variable.", nameof(variable));
        if (!ServerName().IsMatch(server)) throw new ArgumentException($"'{server}' is not a server name.", nameof(server));
        return $"{Placeholder}p4/{server}{Suffix(variable)}";
    }

    /// <summary>
    /// The absolute path <paramref name="value"/> stands for under <paramref name="stateDir"/>, creating its folder
    /// (owner only); null with <paramref name="error"/> when the value is not one <see cref="For"/> makes.
    /// </summary>
    public static string? TryExpand(string variable, string value, string stateDir, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        var suffix = Suffix(variable);
        var name = value.StartsWith(Placeholder + "p4/", StringComparison.Ordinal) && value.EndsWith(suffix, StringComparison.Ordinal)
            ? value[(Placeholder.Length + 3)..^suffix.Length]
            : null;
        if (name is null || !ServerName().IsMatch(name))
        {
            error = $"{variable} may only name a p4 state file as {Placeholder}p4/SERVER{suffix}";
            return null;
        }
        var folder = Path.Combine(Path.GetFullPath(stateDir), "p4");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        error = null;
        return Path.Combine(folder, name + suffix);
    }

    private static string Suffix(string variable) => variable == Tickets ? ".tickets" : ".trust";

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex ServerName();
}
