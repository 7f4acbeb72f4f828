using P4Flow.Workflows.State;

namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Timing", "Delay", Kind = ActivityKind.Blocking, Description = "Waits for a number of seconds; the wait survives a restart.")]
public sealed class Delay : Activity
{
    [Input(Description = "Seconds to wait.", Required = true)]
    public Input<double> Seconds { get; } = new();

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var seconds = context.Get(Seconds);
        if (seconds <= 0)
        {
            context.Complete();
            return ValueTask.CompletedTask;
        }
        var clock = context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        context.CreateBookmark(dispatch: BookmarkDispatch.Timer, resumeAt: clock.GetUtcNow().UtcDateTime.AddSeconds(seconds));
        return ValueTask.CompletedTask;
    }
}
