using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Configuration;
using P4Flow.Orchestrator.Hub;

namespace P4Flow.Orchestrator.Tests.Security;

public sealed class AuditLogFileTests
{
    [Fact]
    public void Write_PastTheSizeLimit_RollsToNewFiles_KeepsEveryLine()
    {
        var folder = Path.Combine(Path.GetTempPath(), "p4flow-audit-" + Guid.NewGuid().ToString("N")[..8]);
        using (var audit = new AuditLog(Options.Create(new HubSecurityOptions { AuditLog = Path.Combine(folder, "audit.jsonl"), AuditLogMaxSize = "1K" })))
        {
            for (var i = 0; i < 60; i++)
                audit.Write(new AuditEvent("KEY_CREATED", null, null, AuditEvent.Success, $"key {i:D2}") { User = "admin" });

            var files = audit.Files().ToList();
            Assert.True(files.Count > 3, $"{files.Count} files");
            Assert.Equal(Path.Combine(folder, "audit.jsonl"), files[0]);
            var lines = files.SelectMany(File.ReadLines).ToList();
            // Oldest first, none lost, each a whole JSON object.
            Assert.Equal(Enumerable.Range(0, 60).Select(i => $"key {i:D2}"), lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["reason"]!.GetValue<string>()));
        }
        Directory.Delete(folder, recursive: true);
    }
}
