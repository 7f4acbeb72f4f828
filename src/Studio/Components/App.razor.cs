using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace P4Flow.Studio.Components;

/// <summary>The Studio's HTML document. Every page is interactive on the server, without prerendering: a page loads its data once, in its circuit.</summary>
public partial class App
{
    private static readonly IComponentRenderMode Mode = new InteractiveServerRenderMode(prerender: false);
}
