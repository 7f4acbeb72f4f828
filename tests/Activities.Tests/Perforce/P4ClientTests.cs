using P4Flow.Activities.Commands;
using P4Flow.Activities.Perforce;
using P4Flow.Activities.Perforce.Parsers;
using P4Flow.Activities.Tests.Support;
using P4Flow.Workflows.State;

namespace P4Flow.Activities.Tests.Perforce;

public sealed class P4ClientTests
{
    [Fact]
    public async Task RunAsync_AnyCommand_AsksForTaggedJsonNeverScriptPrefixes()
    {
        var dispatcher = new RecordingDispatcher();
        var client = Clients.P4(dispatcher, new PerforceOptions { Port = "perforce:1666", User = "p4flow" });

        var output = await client.RunAsync(new WorkflowInstance { Id = "job1" }, "SYNC", NoWaits.Instance, ["sync", "//depot/rel/..."], null, CancellationToken.None);

        var args = Assert.Single(dispatcher.Requests).Args;
        Assert.Equal(["p4", "-ztag", "-Mj", "-p", "perforce:1666", "-u", "p4flow", "-c", "p4flow-job1", "sync", "//depot/rel/..."], args);
        Assert.DoesNotContain("-s", args);
        Assert.True(P4Parsers.Sync(output).UpToDate);
    }

    private sealed class RecordingDispatcher : ICommandDispatcher
    {
        public List<CommandRequest> Requests { get; } = [];

        public Task<CommandRun> RunAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new CommandRun(1, 0, "", """{"data":"File(s) up-to-date.\n","severity":2,"generic":17}""" + "\n", TimeSpan.Zero));
        }
    }
}
