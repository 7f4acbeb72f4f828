using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using P4Flow.Orchestrator.Security;

namespace P4Flow.Orchestrator.Tests.Security;

public sealed class ApiTokensTests
{
    private readonly AuthOptions _options = new()
    {
        TokenKeyFile = Path.Combine(Path.GetTempPath(), "p4flow-tok-" + Guid.NewGuid().ToString("N")[..8], "api-token.key"),
        TokenLifetime = 600,
    };

    private static System.Security.Claims.ClaimsPrincipal User(string name, string role, string scheme) =>
        new(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, name), new(System.Security.Claims.ClaimTypes.Role, role)],
            scheme, System.Security.Claims.ClaimTypes.Name, System.Security.Claims.ClaimTypes.Role));

    [Fact]
    public async Task Issue_ThenValidate_CarriesNameAndRole()
    {
        var tokens = new ApiTokens(Options.Create(_options), TimeProvider.System);
        var (token, expires) = tokens.Issue(User("ana", Roles.Operator, "test"));

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, tokens.ValidationParameters());

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("ana", result.ClaimsIdentity.Name);
        Assert.True(result.ClaimsIdentity.HasClaim(result.ClaimsIdentity.RoleClaimType, Roles.Operator));
        Assert.InRange(expires, DateTime.UtcNow.AddSeconds(590), DateTime.UtcNow.AddSeconds(610));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_options.TokenKeyFile));
    }

    [Fact]
    public async Task Validate_ExpiredToken_IsRefused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var issued = new ApiTokens(Options.Create(_options), clock).Issue(User("ana", Roles.Admin, "test")).Token;

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(issued, new ApiTokens(Options.Create(_options), TimeProvider.System).ValidationParameters());

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Validate_TokenSignedWithAnotherKey_IsRefused()
    {
        var other = new AuthOptions { TokenKeyFile = _options.TokenKeyFile + ".other" };
        var forged = new ApiTokens(Options.Create(other), TimeProvider.System).Issue(User("mallory", Roles.Admin, "test")).Token;

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(forged, new ApiTokens(Options.Create(_options), TimeProvider.System).ValidationParameters());

        Assert.False(result.IsValid);
    }
}
