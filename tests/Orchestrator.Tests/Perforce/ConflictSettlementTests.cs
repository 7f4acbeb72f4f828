using System.Net;
using System.Text.Json.Nodes;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Perforce;

/// <summary>
/// Settling a parked job's conflicts over the API, on a real orchestrator and the simulator: the files as a person reads
/// them, one file's three texts, the edited merge that lands in the depot, what a viewer may not do, and a binary
/// conflict that offers only a side.
/// </summary>
[Collection(PerforceCollection.Name)]
public sealed class ConflictSettlementTests(PerforceOrchestrator orchestrator)
{
    private HttpClient Client => orchestrator.Client;

    [Fact]
    public async Task DemoConflict_ListedReadAndEdited_DepotHoldsTheEditAndTheAuditNamesWhoSettledIt()
    {
        using var depot = await SimDepot.CreateDemoAsync();
        var jobId = await orchestrator.IntegrateAsync(depot);
        await Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        // The file by its depot path, with both revisions, the base, the reason and the change that brought it.
        var conflicts = (await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts")).AsArray();
        var file = Assert.Single(conflicts)!;
        Assert.Equal("//depot/rel/conflict.c", file.Str("depotFile"));
        Assert.Equal("//depot/main/conflict.c#2", file.Str("theirs"));
        Assert.Equal("//depot/rel/conflict.c#2", file.Str("yours"));
        Assert.Equal("//depot/main/conflict.c#1", file.Str("base"));
        Assert.Equal("content", file.Str("reason"));
        Assert.True(file["editable"]!.GetValue<bool>());
        Assert.Equal("Main: change that conflicts with rel, new logo", file["sourceChange"]!.Str("description"));
        Assert.False(string.IsNullOrEmpty(file["sourceChange"]!.Str("user")));

        // Its three texts, the one conflicting chunk marked, and p4's markers in the merge to edit.
        var view = await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts/file?path=//depot/rel/conflict.c");
        var text = view["text"]!;
        Assert.Contains("int conflict5 = 5;", text.Str("base"), StringComparison.Ordinal);
        Assert.Contains("int conflict5 = 50; /* main */", text.Str("theirs"), StringComparison.Ordinal);
        Assert.Contains("int conflict5 = 55; /* rel */", text.Str("yours"), StringComparison.Ordinal);
        Assert.Equal(1, text["conflicts"]!.GetValue<int>());
        var merged = text.Str("merged");
        Assert.Contains(">>>> ORIGINAL //depot/main/conflict.c#1", merged, StringComparison.Ordinal);
        Assert.Contains("==== THEIRS //depot/main/conflict.c#2", merged, StringComparison.Ordinal);
        Assert.Contains("==== YOURS //depot/rel/conflict.c#2", merged, StringComparison.Ordinal);

        // Accepting the merge with the markers still in it is the person's mistake: 400 naming the field and the line.
        using (var marked = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/conflict.c", choice = "edit", merged }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, marked.StatusCode);
            var problem = await marked.ReadJsonAsync();
            Assert.Contains("conflict marker on line", problem["errors"]!["merged"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }
        using (var badChoice = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/conflict.c", choice = "both" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badChoice.StatusCode);
            Assert.NotNull((await badChoice.ReadJsonAsync())["errors"]!["choice"]);
        }
        using (var notThere = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/clean.c", choice = "theirs" }))
            Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);

        // A viewer sees the conflict but cannot settle it: 403, and nothing changed.
        using var viewer = await ClientWithRoleAsync("viewer");
        Assert.Single((await viewer.GetJsonAsync($"/api/jobs/{jobId}/conflicts")).AsArray());
        using (var denied = await viewer.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/conflict.c", choice = "theirs" }))
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Single((await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts")).AsArray());
        Assert.Equal("NEEDS_RESOLVE", (await Client.GetJsonAsync($"/api/jobs/{jobId}")).Str("stage"));

        // The edited merge: p4 takes the file as resolved with the person's text, and the job moves on to submit it.
        var edited = merged[..merged.IndexOf(">>>> ORIGINAL", StringComparison.Ordinal)]
            + "int conflict5 = 505; /* settled in the browser */\n"
            + merged[(merged.IndexOf("<<<<\n", StringComparison.Ordinal) + 5)..];
        using (var settled = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/conflict.c", choice = "edit", merged = edited }))
        {
            Assert.True(settled.IsSuccessStatusCode, await settled.Content.ReadAsStringAsync());
            Assert.True((await settled.ReadJsonAsync())["conflictsResolved"]!.GetValue<bool>());
        }
        var done = await orchestrator.WaitForEndAsync(jobId);
        Assert.Equal("Finished", done.Str("status"));
        Assert.Equal(edited, await depot.RunAsync("print", "-q", "//depot/rel/conflict.c"));
        var record = Assert.Single(done["settled"]!.AsArray(), e => e!.Str("state") == "settled")!;
        Assert.Equal(("//depot/rel/conflict.c", "edit", "bootstrap-admin (api)"), (record.Str("file"), record.Str("choice"), record.Str("by")));

        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Str("event_type") == "CONFLICT_SETTLED" && e.Str("target") == $"{jobId} //depot/rel/conflict.c" && e.Str("result") == "SUCCESS" && e.Str("user") == "bootstrap-admin");
        Assert.Contains(audit, e => e.Str("result") == "DENIED" && e.Str("user").StartsWith("viewer-", StringComparison.Ordinal) && e.Str("target") == $"POST /api/jobs/{jobId}/conflicts/settle");
    }

    [Fact]
    public async Task BinaryConflict_OffersOnlyASide_TheirsLandsInTheDepot()
    {
        using var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/logo.bin", "PNG-1", "binary"));
        await depot.BranchAsync();
        await depot.SubmitAsync("New logo on main", ("main/logo.bin", "PNG-main", null));
        await depot.SubmitAsync("Other logo on rel", ("rel/logo.bin", "PNG-rel", null));
        var jobId = await orchestrator.IntegrateAsync(depot);
        await Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        var file = Assert.Single((await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts")).AsArray())!;
        Assert.Equal(("//depot/rel/logo.bin", "binary", false), (file.Str("depotFile"), file.Str("reason"), file["editable"]!.GetValue<bool>()));
        var view = await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts/file?path=//depot/rel/logo.bin");
        Assert.Null(view["text"]);
        Assert.Contains("binary", view.Str("notShown"), StringComparison.Ordinal);
        using (var edit = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/logo.bin", choice = "edit", merged = "PNG-edited" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
            Assert.NotNull((await edit.ReadJsonAsync())["errors"]!["choice"]);
        }

        using (var theirs = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/logo.bin", choice = "theirs" }))
            Assert.True(theirs.IsSuccessStatusCode, await theirs.Content.ReadAsStringAsync());
        Assert.Equal("Finished", (await orchestrator.WaitForEndAsync(jobId)).Str("status"));
        Assert.Equal("PNG-main", await depot.RunAsync("print", "-q", "//depot/rel/logo.bin"));
    }

    [Fact]
    public async Task LargeTextConflict_NotLoaded_SaysWhy_SettledBySide()
    {
        // Over the 1 MiB the page shows: the conflict is listed, its texts are not read.
        var body = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i:D6} of a generated table\n"));
        using var depot = await SimDepot.CreateAsync();
        await depot.SubmitAsync("Initial", ("main/table.txt", "first\n" + body, null));
        await depot.BranchAsync();
        await depot.SubmitAsync("Main's first line", ("main/table.txt", "main\n" + body, null));
        await depot.SubmitAsync("Rel's first line", ("rel/table.txt", "rel\n" + body, null));
        var jobId = await orchestrator.IntegrateAsync(depot);
        await Client.WaitForJobAsync(jobId, j => j.Str("stage") == "NEEDS_RESOLVE", "to need a resolve", seconds: 300);

        var view = await Client.GetJsonAsync($"/api/jobs/{jobId}/conflicts/file?path=//depot/rel/table.txt");
        Assert.Null(view["text"]);
        Assert.Contains("more than the 1,048,576 shown here", view.Str("notShown"), StringComparison.Ordinal);
        Assert.Equal("content", view["file"]!.Str("reason"));

        using (var yours = await Client.PostJsonAsync($"/api/jobs/{jobId}/conflicts/settle", new { file = "//depot/rel/table.txt", choice = "yours" }))
            Assert.True(yours.IsSuccessStatusCode, await yours.Content.ReadAsStringAsync());
        Assert.Equal("Finished", (await orchestrator.WaitForEndAsync(jobId)).Str("status"));
        Assert.StartsWith("rel\n", await depot.RunAsync("print", "-q", "//depot/rel/table.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conflicts_OfAJobNotParked_409_BadPath_400()
    {
        using var depot = await SimDepot.CreateWithChangeOnMainAsync("a\n", "b\n");
        var jobId = await orchestrator.IntegrateAsync(depot);
        await orchestrator.WaitForEndAsync(jobId);
        using (var ended = await Client.GetAsync(new Uri($"/api/jobs/{jobId}/conflicts", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        using (var bad = await Client.GetAsync(new Uri($"/api/jobs/{jobId}/conflicts/file?path=rel/a.txt", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.NotNull((await bad.ReadJsonAsync())["errors"]!["path"]);
        }
        using (var missing = await Client.GetAsync(new Uri("/api/jobs/no-such-job/conflicts", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<HttpClient> ClientWithRoleAsync(string role)
    {
        using var created = await Client.PostJsonAsync("/api/keys", new { name = $"{role}-{Guid.NewGuid():N}"[..20], role });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Add(ApiKeys.Header, (await created.ReadJsonAsync()).Str("key"));
        return client;
    }

    private async Task<List<JsonNode>> AuditAsync()
    {
        using var stream = new FileStream(Path.Combine(orchestrator.Home, "logs", "audit.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = await new StreamReader(stream).ReadToEndAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }
}
