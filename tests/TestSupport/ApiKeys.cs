namespace P4Flow.TestSupport;

/// <summary>API keys as clients send them; the admin's key and password are what the orchestrator wrote into its home's data folder on first start.</summary>
public static class ApiKeys
{
    public const string Header = "X-Api-Key";

    public static string Admin(string home) => Secret(home, "admin-api-key");

    public static string AdminPassword(string home) => Secret(home, "admin-password");

    /// <summary>Every later call of <paramref name="client"/> carries <paramref name="key"/> (and only it).</summary>
    public static void SignIn(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Remove(Header);
        client.DefaultRequestHeaders.Add(Header, key);
    }

    private static string Secret(string home, string name) => File.ReadAllText(Path.Combine(home, "data", name)).Trim();
}
