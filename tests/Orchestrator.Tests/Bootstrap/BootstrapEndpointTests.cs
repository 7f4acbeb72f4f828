using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Bootstrap;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Bootstrap;

/// <summary>The bootstrap API's answers that need no SSH: validation, host key approval, an orchestrator without a hub.</summary>
public sealed class BootstrapEndpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "p4flow-bootstrap-api-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ApiFactory _api = new();
    private readonly WebApplicationFactory<Program> _factory;

    public BootstrapEndpointTests()
    {
        _factory = _api.WithWebHostBuilder(b => b.UseSetting("bootstrap:host_keys", Path.Combine(_dir, "host_keys.json")));
    }

    [Fact]
    public async Task ApproveHostKey_SeenOnFirstUse_OnlyTheKeyThatWasSeenIsApproved()
    {
        using var client = _factory.CreateClient();
        using (var bad = await client.PostJsonAsync("/api/agents/host-keys/10.0.0.9/approve", new JsonObject { ["fingerprint"] = "MD5:aa" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.ReadJsonAsync())["errors"]!.AsObject().ContainsKey("fingerprint"));
        }
        using (var unseen = await client.PostJsonAsync("/api/agents/host-keys/10.0.0.9/approve", new JsonObject()))
            Assert.Equal(HttpStatusCode.NotFound, unseen.StatusCode);

        var key = new PresentedHostKey("ssh-ed25519", [1, 2, 3, 4]);
        Assert.Equal(HostKeyApprovals.State.New, _factory.Services.GetRequiredService<HostKeyApprovals>().Check("10.0.0.9", 2222, key));
        using (var other = await client.PostJsonAsync("/api/agents/host-keys/10.0.0.9/approve?port=2222", new JsonObject { ["fingerprint"] = HostKeyFingerprint.Of([5]) }))
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        using (var approve = await client.PostJsonAsync("/api/agents/host-keys/10.0.0.9/approve?port=2222", new JsonObject { ["fingerprint"] = key.Fingerprint }))
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);

        var listed = (await client.GetJsonAsync("/api/agents/host-keys")).AsArray().Single()!;
        Assert.True(listed["approved"]!.GetValue<bool>());
        Assert.Equal(key.Fingerprint, listed.Str("fingerprint"));
        Assert.Equal(HostKeyApprovals.State.Approved, _factory.Services.GetRequiredService<HostKeyApprovals>().Check("10.0.0.9", 2222, key));
    }

    [Fact]
    public async Task Bootstrap_WithoutHub_ValidRequestIsConflictAndBadOneNamesFields()
    {
        using var client = _factory.CreateClient();
        var key = Path.Combine(_dir, "id_ed25519");
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(key, "not used");

        using (var bad = await client.PostJsonAsync("/api/agents/bootstrap", new JsonObject { ["host"] = "build 7", ["user"] = "Root!", ["keyRef"] = "credential:../x", ["agentName"] = "ok", ["hostKeyStrategy"] = "any" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.ReadJsonAsync())["errors"]!.AsObject();
            foreach (var field in new[] { "host", "user", "keyRef", "hostKeyStrategy" }) Assert.True(errors.ContainsKey(field), $"{field} in {errors.ToJsonString()}");
            Assert.Contains("allow_any_host_key", errors["hostKeyStrategy"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }
        using var good = await client.PostJsonAsync("/api/agents/bootstrap", new JsonObject { ["host"] = "build-7", ["user"] = "root", ["keyRef"] = key, ["agentName"] = "build-7" });
        Assert.Equal(HttpStatusCode.Conflict, good.StatusCode);
        Assert.Contains("hub is off", await good.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _api.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
