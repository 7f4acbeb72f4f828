using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Workflows.Activities;

namespace P4Flow.Activities.Tests.Support;

/// <summary>Answers each p4 command with canned output chosen by the p4 subcommand and its first arguments; records what was sent.</summary>
internal sealed class ScriptedDispatcher : ICommandDispatcher, IServiceProvider
{
    private readonly List<(string Command, int Exit, string Stdout, string Stderr)> _script = [];
    private readonly P4Client _client;

    public ScriptedDispatcher() => _client = Clients.P4(this, new PerforceOptions { Port = "perforce:1666", User = "p4flow" });

    /// <summary>Commands sent, without the global options (e.g. "submit -c 12").</summary>
    public List<string> Sent { get; } = [];

    public ScriptedDispatcher On(string command, int exit, string stdout, string stderr = "")
    {
        _script.Add((command, exit, stdout, stderr));
        return this;
    }

    public Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', request.Args.Skip(9));
        Sent.Add(command);
        var step = _script.FirstOrDefault(s => command.StartsWith(s.Command, StringComparison.Ordinal));
        if (step.Command is null) throw new InvalidOperationException($"No answer scripted for 'p4 {command}'.");
        return Task.FromResult(new CommandRun(Sent.Count, step.Exit, step.Stdout, step.Stderr, TimeSpan.FromMilliseconds(5)));
    }

    public object? GetService(Type serviceType) => serviceType == typeof(P4Client) ? _client : null;

    /// <summary>Runs a job activity's work as its background job would, with <paramref name="inputs"/> already evaluated.</summary>
    public Task<JobResult> RunAsync(JobActivity activity, System.Text.Json.Nodes.JsonObject inputs, string stage) =>
        activity.RunAsync(
            new JobContext(
                new Workflows.State.WorkflowInstance { Id = "job1" },
                new Workflows.State.ActivityExecutionRecord { Id = "x1", ActivityId = "step", Stage = stage, Inputs = inputs },
                this,
                NoWaits.Instance),
            CancellationToken.None);
}

/// <summary>A scripted command never waits for an agent.</summary>
internal sealed class NoWaits : IJobWaits
{
    public static readonly NoWaits Instance = new();

    public Task<string?> EnterAsync(string waitStage, string reason, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task LeaveAsync(string waitStage, string backTo, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
