namespace P4Flow.Workflows.Activities.BuiltIn;

[Activity("Control", "Start", Kind = ActivityKind.Trigger, Description = "Where a run begins.")]
public sealed class Start : Activity;
