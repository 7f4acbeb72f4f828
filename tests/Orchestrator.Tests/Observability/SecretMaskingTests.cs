using P4Flow.Orchestrator.Observability;

namespace P4Flow.Orchestrator.Tests.Observability;

public sealed class SecretMaskingTests
{
    [Theory]
    [InlineData("Token")]
    [InlineData("cmdToken")]
    [InlineData("access_token")]
    [InlineData("Signature")]
    [InlineData("P4PASSWD")]
    [InlineData("Password")]
    [InlineData("JWT_SECRET")]
    [InlineData("ApiKey")]
    [InlineData("api_key")]
    [InlineData("X-Api-Key")]
    [InlineData("private_key")]
    [InlineData("Authorization")]
    [InlineData("ticket")]
    public void IsSecretName_SecretLikeName_True(string name) => Assert.True(SecretMasking.IsSecretName(name));

    [Theory]
    [InlineData("JobId")]
    [InlineData("job_id")]
    [InlineData("Stage")]
    [InlineData("AgentId")]
    [InlineData("SourceContext")]
    [InlineData("RequestPath")]
    [InlineData("Monkey")]
    [InlineData("Keyboard")]
    [InlineData("DurationMs")]
    public void IsSecretName_OrdinaryName_False(string name) => Assert.False(SecretMasking.IsSecretName(name));
}
