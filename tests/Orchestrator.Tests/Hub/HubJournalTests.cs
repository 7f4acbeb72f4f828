using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;
using P4Flow.Protocol.V1;

namespace P4Flow.Orchestrator.Tests.Hub;

public sealed class HubJournalTests
{
    private static HubJournal Open(string file) => new(Options.Create(new AgentsOptions { Journal = file }));

    [Fact]
    public void Sent_ThenReopen_CommandsStillOutComeBackWhole_AnsweredOnesDoNot()
    {
        var file = Path.Combine(Path.GetTempPath(), "p4flow-journal-" + Guid.NewGuid().ToString("N")[..8], "journal.jsonl");
        var out1 = new Command { CmdId = 41, JobId = "job-\"1\"", Stage = "MERGE", Workspace = "job-1", Token = "a.b.c", Signature = "key:c2ln+/=", Stdin = "", Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(90)) };
        out1.Args.AddRange(["/usr/bin/p4", "integrate", "//depot/é\n<x>"]);
        out1.Env["P4CLIENT"] = "ws-1";
        using (var journal = Open(file))
        {
            journal.Sent("agent-1", out1.JobId, "FP1", out1);
            journal.Sent("agent-1", "job-2", "FP2", new Command { CmdId = 42, JobId = "job-2" });
            journal.Done("agent-1", 42);
            journal.Assigned("job-2", "agent-1", default);
            journal.Assigned("job-3", "agent-1", default);
            journal.Released("job-3");
        }

        using var reopened = Open(file);

        var restored = Assert.Single(reopened.InFlight());
        Assert.Equal(("agent-1", out1.JobId, "FP1"), (restored.AgentId, restored.JobId, restored.Fingerprint));
        Assert.Equal(out1, restored.Command);
        Assert.Equal(42, reopened.Counters["agent-1"]);
        Assert.Equal("agent-1", Assert.Single(reopened.Assignments, a => a.Key == "job-2").Value);
        Assert.DoesNotContain("job-3", reopened.Assignments.Keys);
    }

    [Fact]
    public void Reopen_LineWithTheCommandAsJson_CommandStillOut()
    {
        var file = Path.Combine(Path.GetTempPath(), "p4flow-journal-" + Guid.NewGuid().ToString("N")[..8], "journal.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var command = new Command { CmdId = 7, JobId = "job-1", Workspace = "job-1", Token = "a.b.c", Signature = "key:sig" };
        command.Args.Add("/bin/true");
        File.WriteAllText(file, $"{{\"t\":\"sent\",\"agent\":\"agent-1\",\"job\":\"job-1\",\"fp\":\"FP\",\"cmd\":{JsonFormatter.Default.Format(command)}}}\n");

        using var journal = Open(file);

        Assert.Equal(command, Assert.Single(journal.InFlight()).Command);
        Assert.Equal(7, journal.Counters["agent-1"]);
    }
}
