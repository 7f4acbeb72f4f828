using System.Text;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using P4Flow.Studio.Tests.Support;

namespace P4Flow.Studio.Tests.Accessibility;

/// <summary>axe-core on the main pages: no serious or critical violations. Reports land in the artifacts folder.</summary>
[Collection(StudioCollection.Name)]
public sealed class AxeTests(StudioFixture studio)
{
    public static TheoryData<string> Pages => ["workflows", "designer", "jobs", "job"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_Axe_HasNoSeriousOrCriticalViolations(string pageName)
    {
        var page = await studio.NewPageAsync();
        var path = pageName switch
        {
            "workflows" => "/",
            "designer" => "/workflows/p4-integrate",
            "jobs" => "/jobs",
            _ => "/jobs/" + await studio.Orchestrator.StartJobAsync("hello-p4flow", new JsonObject { ["greeting"] = "axe" }),
        };
        await page.OpenAsync(path, pageName);
        if (pageName == "job") await Assertions.Expect(page.Locator("rect[data-state='waiting']")).ToHaveCountAsync(1);

        var result = await page.RunAxe();

        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        var report = new StringBuilder();
        foreach (var violation in result.Violations)
        {
            report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"[{violation.Impact}] {violation.Id}: {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes.Take(5)) report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
        }
        await File.WriteAllTextAsync(Path.Combine(Paths.Artifacts, $"axe-{pageName}.txt"), report.Length == 0 ? "no violations\n" : report.ToString());
        Assert.True(serious.Count == 0, $"axe found serious or critical violations on {pageName}:\n{report}");
    }
}
