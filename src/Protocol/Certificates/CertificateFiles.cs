using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P4Flow.Protocol.Certificates;

/// <summary>PEM files: a certificate readable by all, its private key readable by its owner alone (mode 0600 from the moment it exists).</summary>
public static class CertificateFiles
{
    internal const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    internal const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes <paramref name="certificate"/> to <paramref name="certPath"/> and, when given, its private key to <paramref name="keyPath"/>.</summary>
    public static void Write(X509Certificate2 certificate, string certPath, string? keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        WriteText(certPath, certificate.ExportCertificatePem(), PublicMode);
        if (keyPath is null) return;
        using AsymmetricAlgorithm key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException($"The certificate {certificate.Subject} has no private key to write.");
        WriteText(keyPath, key.ExportPkcs8PrivateKeyPem(), PrivateMode);
    }

    /// <summary>A certificate and its PEM private key, usable by SslStream.</summary>
    public static X509Certificate2 LoadWithKey(string certPath, string keyPath)
    {
        if (!File.Exists(certPath)) throw new FileNotFoundException($"Certificate file {certPath} does not exist.", certPath);
        if (!File.Exists(keyPath)) throw new FileNotFoundException($"Private key file {keyPath} does not exist.", keyPath);
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    /// <summary>The first certificate of a PEM file, without a key (a CA to trust).</summary>
    public static X509Certificate2 Load(string certPath)
    {
        if (!File.Exists(certPath)) throw new FileNotFoundException($"Certificate file {certPath} does not exist.", certPath);
        return X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
    }

    internal static void WriteText(string path, string text, UnixFileMode mode)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Write('\n');
        }
        // An existing temp file keeps its old mode; set it before the file takes the real name.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, mode);
        File.Move(temp, full, overwrite: true);
    }
}
