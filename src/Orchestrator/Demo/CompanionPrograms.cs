namespace P4Flow.Orchestrator.Demo;

/// <summary>
/// The programs the orchestrator's build places under its own output folder (see BuildCompanions in the project
/// file): the agent in agent/ and the p4 simulator in p4sim/. Demo mode runs them; so do tests and benchmarks.
/// </summary>
public static class CompanionPrograms
{
    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "agent", "P4Flow.Agent.dll");

    /// <summary>What starts the agent: its own program when it is self-contained (a release), else dotnet (with <see cref="AgentDll"/>).</summary>
    public static string AgentCommand => Bootstrap.AgentPackage.ReleaseAgent is { } folder ? Path.Combine(folder, Bootstrap.AgentPackage.AgentProgram) : "dotnet";

    /// <summary>The simulator's `p4` launcher (the native simulator when it was built, else its dll).</summary>
    public static string P4Launcher => Path.Combine(AppContext.BaseDirectory, "p4sim", "p4");
}
