using P4Flow.Orchestrator.Admission;
using P4Flow.Orchestrator.BackgroundJobs;
using P4Flow.Orchestrator.Branches;
using P4Flow.Orchestrator.Cli;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Demo;
using P4Flow.Orchestrator.Extensions;
using P4Flow.Orchestrator.Hosting;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Observability;

var demo = args.Contains("demo");
try
{
    if (args is ["certs", .. var certs]) return await CertsCommand.RunAsync(certs);
    if (args is ["agents", .. var agents]) return await AgentsCommand.RunAsync(agents);

    // No appsettings.json is read, so nothing is reloaded on change: left on, the host watches the whole home (its
    // content root) recursively, and every log line and database write there wakes a file watcher.
    var builder = WebApplication.CreateBuilder([.. args.Where(a => a != "demo"), "--hostBuilder:reloadConfigOnChange=false"]);
    builder.AddMasterConfiguration();
    if (demo)
    {
        DemoRun.EnsureDepot();
        builder.Configuration.AddInMemoryCollection(DemoRun.Settings(builder.Configuration));
    }
    builder.AddObservability(textConsole: demo);
    builder.AddWorkflowEngine();
    builder.AddBranches();
    builder.AddBackgroundJobs();
    builder.AddAdmission();
    builder.AddPerforce();
    builder.AddNotifications();
    builder.AddAgentHub(demo);
    builder.AddBootstrap();
    builder.AddHttpApi();
    builder.AddStudio();
    if (demo) builder.Services.AddHostedService<DemoRun>();

    var app = builder.Build();
    app.MapHttpApi();
    app.MapBranches();
    app.MapBackgroundJobs();
    app.MapAgentHub();
    app.MapBootstrap();
    app.MapStudio();
    await app.RunAsync();
    // A stop asked for with a code (the database taken by another orchestrator: 3) keeps it.
    return Environment.ExitCode;
}
catch (Exception ex) when (StartupError.IsConfiguration(ex))
{
    await Console.Error.WriteLineAsync($"P4Flow cannot start: {StartupError.Describe(ex)}");
    return 2;
}
catch (Exception ex) when (StartupError.Storage(ex) is { } storage)
{
    await Console.Error.WriteLineAsync($"P4Flow cannot start: its data cannot be written or read: {storage.Message.TrimEnd('.', ' ')}. Check the disk (full, read-only), the folder's owner and mode, and that no other process holds the database.");
    return StartupError.StorageExitCode;
}

/// <summary>The orchestrator's entry point; public so tests can host it.</summary>
public partial class Program;
