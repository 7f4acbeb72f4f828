using P4Flow.Workflows.Activities;

namespace P4Flow.Workflows.Benchmarks;

[Activity("Benchmark", "No-op")]
public sealed class NoOp : Activity;
