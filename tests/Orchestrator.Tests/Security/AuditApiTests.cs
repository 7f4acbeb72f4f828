using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Hub;
using P4Flow.Orchestrator.Security;
using P4Flow.Orchestrator.Tests.Support;
using P4Flow.Studio.Services;
using P4Flow.Workflows.Users;

namespace P4Flow.Orchestrator.Tests.Security;

/// <summary>What people do reaches logs/audit.jsonl with the seed's fields, and GET /api/audit finds it.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFactory factory)
{
    private const string Runs = "/api/workflow-definitions/signal-then-delay/runs";
    private readonly HttpClient _admin = factory.CreateClient();

    [Fact]
    public async Task PublishRunContinueCancel_EachAudited_WithUserTargetResultAndDuration()
    {
        var operatorName = "ops-" + Guid.NewGuid().ToString("N")[..6];
        using var designer = factory.ClientAs(Roles.Designer, "designer-" + operatorName);
        using var op = factory.ClientAs(Roles.Operator, operatorName);
        var id = "audited-" + Guid.NewGuid().ToString("N")[..6];
        (await designer.PostJsonAsync("/api/workflow-definitions", Definitions.Linear(id))).EnsureSuccessStatusCode();
        (await designer.PostJsonAsync($"/api/workflow-definitions/{id}/publish", null)).EnsureSuccessStatusCode();

        var published = await OneAsync($"event_type=WORKFLOW_PUBLISHED&user=designer-{operatorName}");
        Assert.Equal(id, published.Str("target"));
        Assert.Equal("SUCCESS", published.Str("result"));
        Assert.True(published["duration_ms"]!.GetValue<long>() >= 0);
        Assert.True(DateTimeOffset.Parse(published.Str("timestamp"), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-1));

        var input = new JsonObject { ["target"] = "//depot/main/..." };
        using var started = await op.PostJsonAsync(Runs, input);
        var jobId = (await started.ReadJsonAsync()).Str("jobId");
        var run = await OneAsync($"event_type=JOB_STARTED&user={operatorName}");
        Assert.Equal("signal-then-delay", run.Str("target"));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(input.ToJsonString()))), run.Str("command_hash"));
        await _admin.WaitForJobAsync(jobId, j => j.Str("status") == "Suspended", "to wait for the signal");

        // Not in NEEDS_RESOLVE: refused with 409, and the attempt is audited as a failure.
        using var continued = await op.PostJsonAsync($"/api/jobs/{jobId}/continue", null);
        Assert.Equal(HttpStatusCode.Conflict, continued.StatusCode);
        var continuation = await OneAsync($"event_type=JOB_CONTINUED&user={operatorName}");
        Assert.Equal((jobId, "FAILURE"), (continuation.Str("target"), continuation.Str("result")));

        (await op.PostJsonAsync($"/api/jobs/{jobId}/cancel", new { reason = "not needed" })).EnsureSuccessStatusCode();
        var cancelled = await OneAsync($"event_type=JOB_CANCELLED&user={operatorName}");
        Assert.Equal((jobId, "SUCCESS"), (cancelled.Str("target"), cancelled.Str("result")));

        // The same lines are in the file, one JSON object each.
        var lines = AuditFileLines();
        Assert.Contains(lines, l => l.Contains("\"JOB_CANCELLED\"", StringComparison.Ordinal) && l.Contains(jobId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoleTooLow_403AndAuditedAsAccessDenied()
    {
        var name = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        using var viewer = factory.ClientAs("viewer", name);

        using var refused = await viewer.PostJsonAsync("/api/workflow-definitions/hello-p4flow/runs", new { greeting = "hi" });
        using var keys = await viewer.GetAsync(new Uri("/api/keys", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
        var denied = AuditFileLines().Where(l => l.Contains("\"ACCESS_DENIED\"", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(denied, d => d.Str("target") == "POST /api/workflow-definitions/hello-p4flow/runs" && d.Str("result") == "DENIED");
        Assert.Contains(denied, d => d.Str("target") == "GET /api/keys" && d.Str("reason")!.Contains("admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoginFailed_WrongKeyWrongPasswordAndForgedToken_401AndAudited()
    {
        using var anonymous = factory.Anonymous();
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "p4f_0123456789ab_not-the-secret");
        using var wrongKey = await anonymous.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);

        var name = "nobody-" + Guid.NewGuid().ToString("N")[..6];
        using var noKey = factory.Anonymous();
        using var wrongPassword = await noKey.PostJsonAsync("/api/auth/token", new { username = name, password = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        var failed = await OneAsync($"event_type=LOGIN_FAILED&user={name}");
        Assert.Equal("FAILURE", failed.Str("result"));
        Assert.Contains("password", failed.Str("reason"), StringComparison.Ordinal);

        using var forged = factory.Anonymous();
        forged.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl");
        using var refused = await forged.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var page = await _admin.GetJsonAsync("/api/audit?event_type=LOGIN_FAILED&pageSize=500");
        Assert.Contains(page["items"]!.AsArray(), e => e!.Str("reason").StartsWith("api key", StringComparison.Ordinal));
        Assert.Contains(page["items"]!.AsArray(), e => e!.Str("reason").StartsWith("bearer token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_CreatedShownOnce_WorkAsBearerTokens_RevokedAtOnce_EachAudited()
    {
        var name = "ci-" + Guid.NewGuid().ToString("N")[..6];
        using var created = await _admin.PostJsonAsync("/api/keys", new { name, role = Roles.Viewer });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var key = body.Str("key");
        Assert.StartsWith("p4f_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(factory.Home, "data", "credentials.json")), StringComparison.Ordinal);
        var listed = await _admin.GetJsonAsync("/api/keys");
        Assert.Contains(listed.AsArray(), k => k!.Str("name") == name && k!["key"] is null);

        using var viewer = factory.Anonymous();
        viewer.DefaultRequestHeaders.Add("Authorization", $"ApiKey {key}");
        using var tokenAnswer = await viewer.PostJsonAsync("/api/auth/token", null);
        var token = (await tokenAnswer.ReadJsonAsync()).Str("token");
        using var bearer = factory.Anonymous();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bearer.PostJsonAsync(Runs, new { })).StatusCode);

        var id = body.Str("id");
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync(new Uri($"/api/keys/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
        // The token made from the key ends with it, well before its own expiry.
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync(new Uri($"/api/keys/{id}", UriKind.Relative))).StatusCode);

        var audit = await _admin.GetJsonAsync("/api/audit?user=bootstrap-admin&pageSize=500");
        Assert.Contains(audit["items"]!.AsArray(), e => e!.Str("event_type") == "KEY_CREATED" && e!.Str("target") == id && e!.Str("reason") == $"{name} (viewer)");
        Assert.Contains(audit["items"]!.AsArray(), e => e!.Str("event_type") == "KEY_REVOKED" && e!.Str("target") == id);
    }

    [Fact]
    public async Task SignInCookie_UserGetsAnotherRole_SessionEnds()
    {
        var name = "ops-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "a-long-enough-password";
        using (var put = await _admin.PutJsonAsync($"/api/users/{name}", new { role = Roles.Operator, password })) Assert.True(put.IsSuccessStatusCode);
        using var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Remove(ApiKeys.Header);
        using (var login = await browser.PostAsync(new Uri("/auth/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = name, ["password"] = password })))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);

        using (var lowered = await _admin.PutJsonAsync($"/api/users/{name}", new { role = Roles.Viewer, password })) Assert.True(lowered.IsSuccessStatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AuditQuery_FiltersByTimeAndPages_NewestFirst()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var name = "pager-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++) (await _admin.PostJsonAsync("/api/keys", new { name = $"{name}-{i}", role = Roles.Viewer })).EnsureSuccessStatusCode();

        var page1 = await _admin.GetJsonAsync($"/api/audit?event_type=KEY_CREATED&since={Uri.EscapeDataString(before.ToString("O"))}&pageSize=2");
        var page2 = await _admin.GetJsonAsync($"/api/audit?event_type=KEY_CREATED&since={Uri.EscapeDataString(before.ToString("O"))}&pageSize=2&page=2");
        var reasons = page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(e => e!.Str("reason")).Where(r => r.StartsWith(name, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"{name}-2 (viewer)", $"{name}-1 (viewer)", $"{name}-0 (viewer)"], reasons);
        Assert.True(page1["total"]!.GetValue<int>() >= 3);

        var none = await _admin.GetJsonAsync($"/api/audit?event_type=KEY_CREATED&until={Uri.EscapeDataString(before.AddDays(-1).ToString("O"))}");
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task AuditQuery_ByAgentId_OnlyThatAgentsLines()
    {
        var audit = factory.Services.GetRequiredService<AuditLog>();
        var agent = "agent-" + Guid.NewGuid().ToString("N")[..6];
        audit.Write(new AuditEvent(AuditLog.AgentRejected, agent, "10.1.2.3", AuditEvent.Rejected, "not in the whitelist") { TargetHost = "far-host" });
        audit.Write(new AuditEvent(AuditLog.AgentRejected, agent + "-other", "10.1.2.4", AuditEvent.Rejected, "not in the whitelist"));

        var page = await _admin.GetJsonAsync($"/api/audit?agent_id={agent}");
        var line = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal(("AGENT_REJECTED", "10.1.2.3", "far-host"), (line.Str("event_type"), line.Str("target_ip"), line.Str("target_host")));
    }

    [Fact]
    public async Task Gate_RoleTooLow_RunsNothing_AuditedAsDenied()
    {
        var gate = factory.Services.GetRequiredService<IUserActions>();
        var viewer = SecurityExtensions.Principal("peeking-" + Guid.NewGuid().ToString("N")[..6], Roles.Viewer, "test", CredentialStore.UserSource("peeking"));
        var ran = false;

        await Assert.ThrowsAsync<ActionForbiddenException>(() => gate.RunAsync(viewer, UserAction.Publish, "some-workflow", null, () => Task.FromResult(ran = true)));

        Assert.False(ran);
        var denied = await OneAsync($"event_type=WORKFLOW_PUBLISHED&user={viewer.Identity!.Name}");
        Assert.Equal(("DENIED", "some-workflow"), (denied.Str("result"), denied.Str("target")));
    }

    [Theory]
    [InlineData("since=yesterday", "since")]
    [InlineData("until=2026-13-40", "until")]
    [InlineData("event_type=drop%20table", "event_type")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task AuditQuery_BadFilter_400NamingTheField(string query, string field)
    {
        using var response = await _admin.GetAsync(new Uri($"/api/audit?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]![field]);
    }

    [Fact]
    public async Task Bootstrap_AdminSecrets_OwnerOnlyFiles()
    {
        // The token key is made with the first token.
        using (var token = await _admin.PostJsonAsync("/api/auth/token", null)) Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        foreach (var file in new[] { "admin-api-key", "admin-password", "credentials.json", "api-token.key" })
        {
            var path = Path.Combine(factory.Home, "data", file);
            Assert.True(File.Exists(path), path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    private async Task<JsonNode> OneAsync(string query) =>
        await Eventually.Until(() => _admin.GetJsonAsync($"/api/audit?{query}"), p => p["items"]!.AsArray().Count > 0, TimeSpan.FromSeconds(60), query)
            is { } page ? page["items"]![0]! : throw new InvalidOperationException(query);

    private string[] AuditFileLines()
    {
        using var stream = new FileStream(factory.AuditLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
