using System.Text.Json;
using System.Text.Json.Serialization;

namespace P4Flow.Cli.Api;

/// <summary>
/// Where `p4flow login` keeps the server and the credential: $XDG_CONFIG_HOME/p4flow/credentials.json (else
/// ~/.config/p4flow), the folder 0700 and the file 0600, written whole to a temporary file and renamed so a crash never
/// leaves half of one. An API key login keeps the key; a password login keeps only the bearer token it was given (the
/// password is never written). P4FLOW_SERVER, P4FLOW_API_KEY and P4FLOW_CA_CERT override it, for scripts and CI.
/// </summary>

public sealed record Profile
{
    public required string Server { get; init; }

    /// <summary>A CA certificate (PEM) to trust for the server's HTTPS besides the system's: P4Flow's own CA.</summary>
    public string? CaCert { get; init; }

    public string? ApiKey { get; init; }

    public string? Token { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public string? User { get; init; }

    public string? Role { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Folder
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : xdg;
            return Path.Combine(root, "p4flow");
        }
    }

    public static string FilePath => Path.Combine(Folder, "credentials.json");

    /// <summary>The stored profile with the environment's overrides; null when neither names a server.</summary>
    public static Profile? Load()
    {
        Profile? stored = null;
        if (File.Exists(FilePath))
        {
            try
            {
                stored = JsonSerializer.Deserialize<Profile>(File.ReadAllText(FilePath), Json);
            }
            catch (JsonException ex)
            {
                throw new CliException(ExitCodes.Unauthorized, $"{FilePath} is not a p4flow credentials file ({ex.Message}); run `p4flow logout`, then `p4flow login`.");
            }
        }
        var server = Environment.GetEnvironmentVariable("P4FLOW_SERVER");
        var key = Environment.GetEnvironmentVariable("P4FLOW_API_KEY");
        var ca = Environment.GetEnvironmentVariable("P4FLOW_CA_CERT");
        if (stored is null && string.IsNullOrEmpty(server)) return null;
        var profile = stored ?? new Profile { Server = server! };
        if (!string.IsNullOrEmpty(server)) profile = profile with { Server = server };
        if (!string.IsNullOrEmpty(key)) profile = profile with { ApiKey = key, Token = null, ExpiresAt = null };
        if (!string.IsNullOrEmpty(ca)) profile = profile with { CaCert = ca };
        return profile;
    }

    public void Save()
    {
        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using (var file = new FileStream(temp, options))
        {
            // A file left by an older run may have a wider mode: UnixCreateMode only applies to new files.
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(file, this, Json);
        }
        File.Move(temp, FilePath, overwrite: true);
    }

    /// <returns>Whether there was a file to delete.</returns>
    public static bool Delete()
    {
        if (!File.Exists(FilePath)) return false;
        File.Delete(FilePath);
        return true;
    }
}
