using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Workflows.Benchmarks -- --filter '*'
// In process: the project's assembly name (P4Flow.*) differs from its file name, which the default toolchain requires.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(NoOpMarker).Assembly).Run(args, config);

internal static class NoOpMarker;
