using P4Flow.Protocol.Certificates;

namespace P4Flow.Protocol.Tests.Certificates;

public sealed class CertificateFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "p4flow-certs-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Write_CertificateAndKey_KeyIsOwnerOnlyAndBothLoadBack()
    {
        using var ca = CertificateAuthority.CreateCa();
        using var agent = CertificateAuthority.IssueClient(ca, "build-7");
        var cert = Path.Combine(_dir, "agents", "build-7.crt");
        var key = Path.Combine(_dir, "agents", "build-7.key");

        CertificateFiles.Write(agent, cert, key);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            Assert.True(File.GetUnixFileMode(cert).HasFlag(UnixFileMode.OtherRead));
        }
        using var loaded = CertificateFiles.LoadWithKey(cert, key);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(agent.Thumbprint, loaded.Thumbprint);
        Assert.Null(CertificateValidation.ValidateClient(loaded, ca));
    }

    [Fact]
    public void LoadWithKey_MissingKey_SaysWhichFile()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => CertificateFiles.LoadWithKey(Path.Combine(_dir, "a.crt"), Path.Combine(_dir, "a.key")));
        Assert.Contains("a.crt", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
