using Microsoft.Playwright;

namespace P4Flow.Studio.Tests.Support;

/// <summary>Mouse work on the X6 canvas, done as a person does it: press, move in steps, release.</summary>
internal static class Canvas
{
    public static ILocator Node(this IPage page, string activityId) => page.Locator($".designer-canvas rect[data-activity='{activityId}']");

    public static ILocator OutPort(this IPage page, string nodeId, string port) =>
        page.Locator($".designer-canvas g[data-cell-id='{nodeId}'] circle[port-group='out'][port='{port}']");

    public static ILocator Edges(this IPage page) => page.Locator(".designer-canvas g.x6-edge");

    /// <summary>Drags a toolbox item onto the canvas at (x, y) relative to the canvas's top left corner.</summary>
    public static async Task DragActivityAsync(this IPage page, string type, double x, double y)
    {
        var item = page.Locator($"[data-toolbox] [data-activity-type='{type}']");
        await item.ScrollIntoViewIfNeededAsync();
        var from = await item.BoundingBoxAsync() ?? throw new InvalidOperationException($"No toolbox item {type}.");
        var canvas = await page.Locator(".designer-canvas").BoundingBoxAsync() ?? throw new InvalidOperationException("No canvas.");
        await DragAsync(page, from.X + from.Width / 2, from.Y + from.Height / 2, canvas.X + x, canvas.Y + y);
    }

    /// <summary>Drags from an outcome port of one node onto the body of another.</summary>
    public static async Task ConnectAsync(this IPage page, string fromNode, string port, string toActivity)
    {
        var from = await page.OutPort(fromNode, port).BoundingBoxAsync() ?? throw new InvalidOperationException($"No port {fromNode}.{port}.");
        var to = await page.Node(toActivity).BoundingBoxAsync() ?? throw new InvalidOperationException($"No node {toActivity}.");
        await DragAsync(page, from.X + from.Width / 2, from.Y + from.Height / 2, to.X + to.Width / 3, to.Y + to.Height / 2);
    }

    public static async Task DragAsync(IPage page, double fromX, double fromY, double toX, double toY)
    {
        await page.Mouse.MoveAsync((float)fromX, (float)fromY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(fromX + 8), (float)(fromY + 8), new MouseMoveOptions { Steps = 2 });
        await page.Mouse.MoveAsync((float)toX, (float)toY, new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
