using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using P4Flow.Orchestrator.Security;
using P4Flow.Orchestrator.Tests.Support;

namespace P4Flow.Orchestrator.Tests.Security;

/// <summary>
/// Every route the orchestrator maps, taken from its route table, so a new route cannot be forgotten: without
/// credentials 401 (a browser opening a Studio page is sent to /login), with the role below the one it needs 403,
/// with the role it needs neither.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class RouteAuthorizationTests(ApiFactory factory)
{
    /// <summary>
    /// The only routes open to everyone: probes, signing in (which checks the credentials it is given), and the CA's
    /// revocation list that TLS clients fetch.
    /// </summary>
    private static readonly HashSet<string> Anonymous = ["/healthz", "/readyz", "/login", "/auth/login", "/api/auth/token", "/pki/ca.crl"];

    [Fact]
    public void RouteTable_OnlyTheListedRoutesAreOpen()
    {
        var open = Routes().Where(r => r.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(r => r.Pattern).ToHashSet();
        Assert.Equal(Anonymous.Order(), open.Order());
        Assert.True(Routes().Count > 20, "the route table holds the API, the Studio and its files");
    }

    [Fact]
    public async Task EveryRoute_WithoutCredentials_Is401()
    {
        using var client = factory.Anonymous();
        var wrong = new List<string>();
        foreach (var route in Routes())
        {
            using var response = await client.SendAsync(route.Request());
            var expected = route.Pattern == "/login" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized;
            if (Anonymous.Contains(route.Pattern) && route.Pattern != "/api/auth/token") continue;
            if (response.StatusCode != expected) wrong.Add($"{route} -> {(int)response.StatusCode}");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task StudioPages_BrowserWithoutCredentials_SentToLogin()
    {
        using var client = factory.Anonymous();
        var pages = Routes().Where(r => r.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).ToList();
        Assert.Contains(pages, p => p.Pattern == "/");
        foreach (var page in pages)
        {
            using var request = page.Request();
            request.Headers.Accept.ParseAdd("text/html");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryRoute_RoleBelowTheRequiredOne_Is403_RequiredRole_Passes()
    {
        var clients = Roles.All.ToDictionary(role => role, role => factory.ClientAs(role, $"routes-{role}"));
        var wrong = new List<string>();
        foreach (var route in Routes().Where(r => !Anonymous.Contains(r.Pattern)))
        {
            if (Roles.Below(route.Role) is { } below)
            {
                using var refused = await clients[below].SendAsync(route.Request());
                if (refused.StatusCode != HttpStatusCode.Forbidden) wrong.Add($"{route} as {below} -> {(int)refused.StatusCode}, not 403");
            }
            using var allowed = await clients[route.Role].SendAsync(route.Request());
            if (allowed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) wrong.Add($"{route} as {route.Role} -> {(int)allowed.StatusCode}");
        }
        foreach (var client in clients.Values) client.Dispose();
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("POST", "/api/workflow-definitions", Roles.Designer)]
    [InlineData("POST", "/api/workflow-definitions/{definitionId}/publish", Roles.Designer)]
    [InlineData("POST", "/api/workflow-definitions/{definitionId}/runs", Roles.Operator)]
    [InlineData("POST", "/api/jobs/{id}/continue", Roles.Operator)]
    [InlineData("POST", "/api/jobs/{id}/cancel", Roles.Operator)]
    [InlineData("GET", "/api/jobs", Roles.Viewer)]
    [InlineData("GET", "/api/audit", Roles.Admin)]
    [InlineData("POST", "/api/keys", Roles.Admin)]
    [InlineData("GET", "/hangfire/{**path}", Roles.Admin)]
    [InlineData("GET", "/agents", Roles.Admin)]
    public void RouteTable_RequiresTheRoleOfWhatItDoes(string method, string pattern, string role) =>
        Assert.Equal(role, Assert.Single(Routes(), r => r.Pattern == pattern && r.Method == method).Role);

    private List<Route> Routes() =>
    [
        .. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Take(1).Select(m => new Route(e, m)))
            .DistinctBy(r => (r.Pattern, r.Method)),
    ];

    private sealed partial record Route(RouteEndpoint Endpoint, string Method)
    {
        public string Pattern => "/" + Endpoint.RoutePattern.RawText!.Trim('/');

        /// <summary>The highest role any policy on the route names; a route that names none needs a signed-in viewer.</summary>
        public string Role => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(Roles.IsRole).MaxBy(p => Roles.All.ToList().IndexOf(p!)) ?? Roles.Viewer;

        public HttpRequestMessage Request()
        {
            var path = Parameter().Replace(CatchAll().Replace(Pattern, ""), "x");
            var request = new HttpRequestMessage(new HttpMethod(Method), path);
            if (Method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            return request;
        }

        public override string ToString() => $"{Method} {Pattern}";

        [GeneratedRegex(@"\{\*[^}]*\}")]
        private static partial Regex CatchAll();

        [GeneratedRegex(@"\{[^}]*\}")]
        private static partial Regex Parameter();
    }
}
