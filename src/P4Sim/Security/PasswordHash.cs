using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace P4Flow.P4Sim.Security;

/// <summary>Passwords are kept salted and stretched (PBKDF2-SHA256), never in clear: "pbkdf2-sha256$iterations$salt$hash".</summary>
internal static class PasswordHash
{
    private const string Scheme = "pbkdf2-sha256";

    // Every p4 run that authenticates by P4PASSWD hashes once; enough to stretch, few enough to keep a command fast.
    private const int Iterations = 20_000;

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Derive(password, salt, Iterations);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string? stored, string password)
    {
        var parts = stored?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var expected = Convert.FromBase64String(parts[3]);
        return CryptographicOperations.FixedTimeEquals(expected, Derive(password, Convert.FromBase64String(parts[2]), iterations));
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
}
