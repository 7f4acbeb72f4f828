using Microsoft.Extensions.Options;
using P4Flow.Orchestrator.Security;

namespace P4Flow.Orchestrator.Tests.Security;

public sealed class CredentialStoreTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "p4flow-cred-" + Guid.NewGuid().ToString("N")[..8], "credentials.json");

    private CredentialStore NewStore() => new(new CredentialFile(Options.Create(new AuthOptions { CredentialsFile = _file })), TimeProvider.System);

    [Fact]
    public void CreateApiKey_ThenVerify_ReturnsOwnerAndRoleAndKeepsOnlyAHash()
    {
        var (info, key) = NewStore().CreateApiKey("ci-bot", Roles.Operator);

        var verified = NewStore().VerifyApiKey(key);

        Assert.Equal(("ci-bot", Roles.Operator, info.Id), (verified?.Name, verified?.Role, verified?.Id));
        var stored = File.ReadAllText(_file);
        Assert.DoesNotContain(key[$"p4f_{info.Id}_".Length..], stored, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_file));
    }

    [Theory]
    [InlineData("")]
    [InlineData("p4f_")]
    [InlineData("p4f_nope_secret")]
    [InlineData("not-a-key")]
    public void VerifyApiKey_MalformedOrUnknown_ReturnsNull(string key)
    {
        NewStore().CreateApiKey("someone", Roles.Viewer);
        Assert.Null(NewStore().VerifyApiKey(key));
    }

    [Fact]
    public void VerifyApiKey_RightIdWrongSecret_ReturnsNull()
    {
        var (info, _) = NewStore().CreateApiKey("someone", Roles.Admin);
        Assert.Null(NewStore().VerifyApiKey($"p4f_{info.Id}_guessed"));
    }

    [Fact]
    public void RevokeApiKey_Existing_KeyNoLongerVerifies()
    {
        var store = NewStore();
        var (info, key) = store.CreateApiKey("leaving", Roles.Designer);

        Assert.True(store.RevokeApiKey(info.Id));

        Assert.Null(NewStore().VerifyApiKey(key));
        Assert.False(store.RevokeApiKey(info.Id));
    }

    [Fact]
    public void CreateApiKey_UnknownRole_IsRefusedNamingTheRoles()
    {
        var error = Assert.Throws<ArgumentException>(() => NewStore().CreateApiKey("x", "root"));
        Assert.Contains("viewer, operator, designer, admin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyPassword_RightAndWrongPassword_OnlyRightOneSignsIn()
    {
        NewStore().SetUser("ana", Roles.Designer, "correct horse battery");

        Assert.Equal(new UserInfo("ana", Roles.Designer), NewStore().VerifyPassword("ana", "correct horse battery"));
        Assert.Null(NewStore().VerifyPassword("ana", "Correct horse battery"));
        Assert.Null(NewStore().VerifyPassword("bob", "correct horse battery"));
        Assert.DoesNotContain("correct horse battery", File.ReadAllText(_file), StringComparison.Ordinal);
    }

    [Fact]
    public void SetUser_ShortPassword_IsRefused() =>
        Assert.Throws<ArgumentException>(() => NewStore().SetUser("ana", Roles.Viewer, "short"));
}
