using System.CommandLine;
using System.Text.Json.Nodes;
using P4Flow.Cli.Api;
using Spectre.Console;
using Profile = P4Flow.Cli.Api.Profile;

namespace P4Flow.Cli.Commands;

/// <summary>`login`, `logout`, `whoami`: which orchestrator this user talks to, and as whom.</summary>
internal static class LoginCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        var server = new Option<string>("--server", "-s") { Description = "The orchestrator's address, e.g. https://p4flow.example.com:8443 (default: the one signed in to before)" };
        var caCert = new Option<FileInfo>("--ca-cert") { Description = "P4Flow's CA certificate (PEM) to trust for the server's HTTPS, e.g. certs/ca.crt from the orchestrator" };
        var withKey = new Option<bool>("--with-api-key") { Description = "Read an API key from standard input (one line)" };
        var user = new Option<string>("--user", "-u") { Description = "Sign in with a user name and password instead of an API key" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (one line) instead of asking" };
        var login = new Command("login", "Sign in to an orchestrator; the credential is kept, readable only by you, in ~/.config/p4flow").With(server, caCert, withKey, user, passwordStdin)
            .Runs(context, async (result, ct) =>
            {
                var previous = Profile.Load();
                var address = result.GetValue(server) ?? previous?.Server
                    ?? throw new CliException(ExitCodes.Usage, "--server is required (the orchestrator's address, e.g. https://p4flow.example.com:8443).");
                var ca = result.GetValue(caCert)?.FullName ?? (previous?.Server == address ? previous.CaCert : null);
                var name = result.GetValue(user);
                if (name is null && !result.GetValue(withKey) && !context.Console.Profile.Capabilities.Interactive)
                    throw new CliException(ExitCodes.Usage, "give --with-api-key (the key on standard input) or --user NAME (with --password-stdin), or run it in a terminal to be asked.");
                if (name is null && !result.GetValue(withKey))
                    name = await context.Console.PromptAsync(new TextPrompt<string>("User name (empty to give an API key):").AllowEmpty(), ct).ConfigureAwait(false) is { Length: > 0 } typed ? typed : null;
                var profile = name is null
                    ? await WithKeyAsync(context, address.TrimEnd('/'), ca, await SecretAsync(context, result.GetValue(withKey), "API key", ct).ConfigureAwait(false), ct).ConfigureAwait(false)
                    : await WithPasswordAsync(context, address.TrimEnd('/'), ca, name, await SecretAsync(context, result.GetValue(passwordStdin), "Password", ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                profile.Save();
                var until = profile.ExpiresAt is { } expires ? $"; the sign-in lasts until {expires.ToLocalTime():yyyy-MM-dd HH:mm}" : "";
                context.Console.MarkupLine($"Signed in to [bold]{Markup.Escape(profile.Server)}[/] as [bold]{Markup.Escape(profile.User ?? "")}[/] ({Markup.Escape(profile.Role ?? "")}){Markup.Escape(until)}.");
                return ExitCodes.Ok;
            });

        var logout = new Command("logout", "Forget the stored credential").Runs(context, (_, _) =>
        {
            var server = Profile.Load()?.Server;
            context.Console.WriteLine(Profile.Delete() ? $"Signed out of {server}." : "Not signed in.");
            return Task.FromResult(ExitCodes.Ok);
        });

        var whoami = new Command("whoami", "Show the server, user and role this command line uses").Runs(context, async (result, ct) =>
        {
            using var api = context.Api();
            var me = await api.GetAsync("/api/auth/whoami", ct).ConfigureAwait(false);
            me["server"] = api.Profile.Server;
            if (api.Profile.ExpiresAt is { } expires) me["expiresAt"] = expires;
            if (result.GetValue(CommandExtensions.Json))
            {
                context.WriteJson(me);
                return ExitCodes.Ok;
            }
            var until = api.Profile.ExpiresAt is { } at ? $", until {at.ToLocalTime():yyyy-MM-dd HH:mm}" : "";
            context.Console.WriteLine($"{me["name"]} ({me["role"]}) on {api.Profile.Server}, signed in with {(me["via"]?.ToString() == "api-key" ? "an API key" : "a password")}{until}");
            return ExitCodes.Ok;
        });
        return [login, logout, whoami];
    }

    private static async Task<Profile> WithKeyAsync(CliContext context, string server, string? ca, string key, CancellationToken ct)
    {
        var profile = new Profile { Server = server, CaCert = ca, ApiKey = key };
        using var api = new ApiClient(profile);
        // The token exchange checks the key (401 when wrong) and names its role; whoami names its user.
        await api.PostWithKeyAsync("/api/auth/token", key, ct).ConfigureAwait(false);
        var me = await api.GetAsync("/api/auth/whoami", ct).ConfigureAwait(false);
        return profile with { User = me["name"]?.ToString(), Role = me["role"]?.ToString() };
    }

    private static async Task<Profile> WithPasswordAsync(CliContext context, string server, string? ca, string user, string password, CancellationToken ct)
    {
        using var api = new ApiClient(new Profile { Server = server, CaCert = ca });
        var answer = await api.PostAsync("/api/auth/token", new JsonObject { ["username"] = user, ["password"] = password }, ct).ConfigureAwait(false);
        return new Profile
        {
            Server = server,
            CaCert = ca,
            Token = answer["token"]?.ToString() ?? throw new CliException(ExitCodes.Unreachable, $"{server} answered the sign-in without a token."),
            ExpiresAt = answer["expiresAt"]?.GetValue<DateTime>().ToUniversalTime(),
            User = user,
            Role = answer["role"]?.ToString(),
        };
    }

    /// <summary>From standard input when asked to (scripts), else a prompt that does not echo; never a command-line option, which `ps` shows.</summary>
    private static async Task<string> SecretAsync(CliContext context, bool fromStdin, string what, CancellationToken ct)
    {
        var secret = fromStdin || !context.Console.Profile.Capabilities.Interactive
            ? (await System.Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.Trim()
            : await context.Console.PromptAsync(new TextPrompt<string>($"{what}:").Secret(), ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(secret) ? throw new CliException(ExitCodes.Usage, $"no {what.ToLowerInvariant()} was given on standard input.") : secret;
    }
}
