using System.Net;
using P4Flow.Orchestrator.Audit;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Security;

/// <summary>The Studio's sign-in form: it only ever sends people to this site, and a malformed post is a 400.</summary>
[Collection(ApiCollection.Name)]
public sealed class SignInFormTests(ApiFactory factory)
{
    [Theory]
    [InlineData("/jobs", "/jobs")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    public async Task Login_ReturnUrl_OnlyPathsOfThisSite(string returnUrl, string expected)
    {
        using var client = factory.Anonymous();
        var password = (await File.ReadAllTextAsync(Path.Combine(factory.Home, "data", "admin-password"))).Trim();

        using var response = await client.PostAsync(new Uri("/auth/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin", ["password"] = password, ["returnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_NotAForm_400NamingTheBody()
    {
        using var client = factory.Anonymous();

        using var response = await client.PostJsonAsync("/auth/login", new { username = "admin", password = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]!["body"]);
    }

    [Fact]
    public async Task PasswordGuessing_AfterFiveFailures_429EvenWithTheRightPassword_Audited()
    {
        var name = "guessed-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "the-right-password";
        using var admin = factory.CreateClient();
        using (var put = await admin.PutJsonAsync($"/api/users/{name}", new { role = "viewer", password })) Assert.True(put.IsSuccessStatusCode);
        using var client = factory.Anonymous();

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.PostJsonAsync("/api/auth/token", new { username = name, password = $"guess-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await client.PostJsonAsync("/api/auth/token", new { username = name, password });
        using var form = await client.PostAsync(new Uri("/auth/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = name, ["password"] = password }));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        using var stream = new FileStream(factory.AuditLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var audit = await new StreamReader(stream).ReadToEndAsync();
        Assert.Contains("too many failed attempts", audit, StringComparison.Ordinal);
    }
}
