using Microsoft.Playwright;

namespace P4Flow.Studio.Tests.Support;

internal static class PageExtensions
{
    /// <summary>Opens a Studio page and waits until its circuit is interactive and its data is loaded (Blazor drops clicks made before).</summary>
    public static async Task OpenAsync(this IPage page, string path, string pageName)
    {
        await page.GotoAsync(path);
        await page.WaitReadyAsync(pageName);
    }

    /// <summary>Signs in through the login page as a person would, and waits for the Studio to open.</summary>
    public static async Task SignInAsync(this IPage page, string user, string password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    public static Task WaitReadyAsync(this IPage page, string pageName) =>
        page.Locator($"[data-page='{pageName}'][data-ready='true']").WaitForAsync();

    public static async Task ScreenshotAsync(this IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Paths.Artifacts, name + ".png"), FullPage = false });
}

internal static class Failures
{
    /// <summary>Runs a browser test body; on failure keeps a screenshot named after it, to see what the page showed.</summary>
    public static async Task ScreenshotOnFailureAsync(this IPage page, string name, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Paths.Artifacts, "failed-" + name + ".png") });
            throw;
        }
    }
}
