namespace P4Flow.P4Sim.Cli;

/// <summary>Who runs the command, against which depot and workspace, from where.</summary>
internal sealed record ConnectionSettings(string Port, string User, string Client, string Host, string CurrentDirectory);
