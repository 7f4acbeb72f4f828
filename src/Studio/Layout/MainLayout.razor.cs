using System.Security.Claims;
using MudBlazor;

namespace P4Flow.Studio.Layout;

public partial class MainLayout
{
    private static string RoleOf(ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? "no role";

    // Darker than MudBlazor's defaults so text on the app bar and buttons keeps a 4.5:1 contrast.
    private static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0D47A1",
            Secondary = "#6A1B9A",
            Success = "#1B5E20",
            Warning = "#8A3A00",
            Error = "#B71C1C",
            Info = "#01579B",
            AppbarBackground = "#0D47A1",
            TextSecondary = "rgba(0,0,0,0.68)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
