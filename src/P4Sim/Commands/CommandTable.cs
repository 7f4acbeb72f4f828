namespace P4Flow.P4Sim.Commands;

/// <summary>The p4 commands the simulator knows, by name and alias.</summary>
internal static class CommandTable
{
    private static readonly Dictionary<string, Action<CommandContext>> Commands = new(StringComparer.Ordinal)
    {
        ["info"] = InfoCommand.Run,
        ["login"] = LoginCommand.Run,
        ["client"] = ClientCommand.Run,
        ["clients"] = ClientsCommand.Run,
        ["branch"] = BranchCommand.Run,
        ["change"] = ChangeCommand.Run,
        ["changes"] = ChangesCommand.Run,
        ["describe"] = DescribeCommand.Run,
        ["sync"] = SyncCommand.Run,
        ["add"] = AddCommand.Run,
        ["edit"] = EditCommand.Run,
        ["delete"] = DeleteCommand.Run,
        ["revert"] = RevertCommand.Run,
        ["reopen"] = ReopenCommand.Run,
        ["opened"] = OpenedCommand.Run,
        ["lock"] = LockCommand.Run,
        ["integrate"] = IntegrateCommand.Run,
        ["resolve"] = ResolveCommand.Run,
        ["shelve"] = ShelveCommand.Run,
        ["unshelve"] = UnshelveCommand.Run,
        ["submit"] = SubmitCommand.Run,
        ["fstat"] = FstatCommand.Run,
        ["print"] = PrintCommand.Run,
        ["logout"] = LogoutCommand.Run,
        ["passwd"] = PasswdCommand.Run,
        ["user"] = UserCommand.Run,
        ["configure"] = ConfigureCommand.Run,
        ["counter"] = CounterCommand.Run,
        ["counters"] = CounterCommand.RunList,
        ["trust"] = TrustCommand.Run,
        ["sslkey"] = SslKeyCommand.Run,
    };

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["integ"] = "integrate",
        ["changelist"] = "change",
        ["changelists"] = "changes",
        ["client"] = "client",
        ["workspace"] = "client",
        ["workspaces"] = "clients",
    };

    // The commands whose -i reads a spec form from standard input.
    private static readonly HashSet<string> FormCommands = new(StringComparer.Ordinal) { "client", "branch", "change", "user" };

    /// <summary>Whether this run reads a whole spec form from standard input ("client -i", "user -f -i", "user -fi").</summary>
    public static bool ReadsForm(string name, IReadOnlyList<string> args) =>
        FormCommands.Contains(Canonical(name)) &&
        args.TakeWhile(a => a.Length > 1 && a[0] == '-' && a != "--").Any(a => a[1] != '-' && a.Contains('i', StringComparison.Ordinal));

    public static IEnumerable<string> Names => Commands.Keys.Order(StringComparer.Ordinal);

    public static Action<CommandContext>? Find(string name) => Commands.GetValueOrDefault(Canonical(name));

    public static string Canonical(string name) => Aliases.GetValueOrDefault(name) ?? name;
}
