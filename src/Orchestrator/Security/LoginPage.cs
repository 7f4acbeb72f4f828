using System.Net;

namespace P4Flow.Orchestrator.Security;

/// <summary>The Studio's sign-in form: plain HTML, so it works before any script loads.</summary>
internal static class LoginPage
{
    public static string Render(string? returnUrl, bool failed) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Sign in - P4Flow</title>
          <style>
            body { font-family: system-ui, sans-serif; background: #f5f5f5; display: grid; place-items: center; min-height: 100vh; margin: 0; }
            main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.2); width: 20rem; }
            label { display: block; margin-top: 1rem; } input { width: 100%; padding: .5rem; box-sizing: border-box; }
            button { margin-top: 1.5rem; width: 100%; padding: .6rem; background: #1e4f8a; color: #fff; border: 0; border-radius: 4px; }
            .error { color: #a40000; }
          </style>
        </head>
        <body>
          <main>
            <h1>P4Flow</h1>
            {{(failed ? "<p class=\"error\" role=\"alert\">Wrong user name or password.</p>" : "")}}
            <form method="post" action="/auth/login">
              <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
              <label for="username">User name</label><input id="username" name="username" autocomplete="username" required>
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
          </main>
        </body>
        </html>
        """;
}
