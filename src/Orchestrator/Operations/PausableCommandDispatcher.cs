using P4Flow.Activities.Commands;

namespace P4Flow.Orchestrator.Operations;

/// <summary>Every command of every job passes here first: while the operator has paused, it waits (see <see cref="OperatorPause"/>).</summary>
internal sealed class PausableCommandDispatcher(ICommandDispatcher inner, OperatorPause pause) : ICommandDispatcher
{
    public async Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        await pause.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
