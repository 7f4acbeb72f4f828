using P4Flow.P4Sim.Cli;
using P4Flow.P4Sim.Commands;
using P4Flow.P4Sim.Demo;
using P4Flow.P4Sim.Depot;
using P4Flow.P4Sim.Faults;
using P4Flow.P4Sim.Output;
using P4Flow.P4Sim.Security;

namespace P4Flow.P4Sim;

/// <summary>The simulator's entry point: one p4 invocation, from arguments to exit code.</summary>
internal static class P4Simulator
{
    public static int Run(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string> environment,
        string currentDirectory,
        TextReader? stdin = null,
        CancellationToken cancellationToken = default)
    {
        var options = GlobalOptions.Parse(args, environment, currentDirectory);
        var output = new OutputSink(OutputFormatter.Create(options.Mode, stdout, stderr), options.Mode.Quiet);
        Execute(options, output, environment, stdin ?? TextReader.Null, cancellationToken);
        output.Finish();
        stdout.Flush();
        stderr.Flush();
        return output.ExitCode;
    }

    private static void Execute(GlobalOptions options, OutputSink output, IReadOnlyDictionary<string, string> environment, TextReader stdin, CancellationToken cancellationToken)
    {
        if (options.Error is not null)
        {
            output.Error(options.Error, GenericCode.Usage);
            return;
        }

        if (options.Command is null)
        {
            output.Info("Usage: p4 [options] command [arg ...]");
            output.Info("Commands: " + string.Join(' ', CommandTable.Names));
            return;
        }

        if (options.Command == "init-demo")
        {
            DemoDepot.Create(options.Arguments, output, environment);
            return;
        }

        var command = CommandTable.Find(options.Command);
        if (command is null)
        {
            output.Error("Unknown command.  Try 'p4 help' for info.", GenericCode.Usage);
            return;
        }

        var settings = options.Settings;
        var address = ServerAddress.Parse(settings.Port);
        if (address is null)
        {
            ConnectFailed(output, settings.Port);
            return;
        }

        var root = address.Folder;
        var faults = FaultPlan.Load(environment.GetValueOrDefault("P4SIM_FAULT"), root, options.Command);
        if (!FaultInjector.BeforeCommand(faults, options.Command, options.Arguments, output, cancellationToken))
        {
            return;
        }

        // A form is read whole before the depot is locked: in "p4 user -o | p4 user -i" both run at once, and the -i
        // side holding the lock while it waits for its form would keep the -o side from ever printing it.
        if (CommandTable.ReadsForm(options.Command, options.Arguments))
        {
            stdin = new StringReader(stdin.ReadToEnd());
        }

        var store = new DepotStore(root);
        using (store.Lock(cancellationToken))
        {
            var state = store.Load();
            FaultInjector.InjectOpens(faults, state);
            var context = new CommandContext(settings, output, store, state, options.Arguments, Clock.Now(environment), cancellationToken)
            {
                Input = stdin,
                WorkspaceLog = environment.GetValueOrDefault("P4SIM_WORKSPACE_LOG"),
                Address = address,
            };
            if (Admitted(CommandTable.Canonical(options.Command), context))
            {
                try
                {
                    command(context);
                }
                catch (ClientFileException ex)
                {
                    // The command stops at the file the disk refused; what it changed on the server is not kept.
                    output.Error(ex.Message, GenericCode.Client);
                    return;
                }
            }

            if (context.Dirty)
            {
                store.Save(state);
            }
        }
    }

    /// <summary>
    /// The checks every command passes first, in p4's order: the client's trust in an SSL server's key, then the
    /// server's check of the caller's credentials. Commands that manage trust or credentials themselves skip them,
    /// and "info" answers anyone, as p4d's does.
    /// </summary>
    private static bool Admitted(string command, CommandContext context)
    {
        if (command is "trust" or "sslkey")
        {
            return true;
        }

        if (context.Address.Ssl && !TrustCheck.Allows(context))
        {
            return false;
        }

        return command is "info" or "login" or "logout" or "passwd" || Authenticator.Allows(context);
    }

    public static void ConnectFailed(OutputSink output, string port) =>
        output.Fatal(
            "Perforce client error:\n" +
            "\tConnect to server failed; check $P4PORT.\n" +
            $"\tTCP connect to {port} failed.\n" +
            "\tName or service not known",
            GenericCode.Comm);
}
