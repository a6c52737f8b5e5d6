using Microsoft.AspNetCore.Components;
using Radzen.Blazor;

namespace Candor.Server.Console.Shell;

/// <summary>A Radzen chart drawn on the server: Radzen measures a chart's box in the browser before it draws, which
/// static server-side rendering never gives it, so the page states the drawing size and Radzen renders its SVG from
/// that at once. CSS scales the drawing to the width of the screen (console.css, <c>figure.chart svg</c>).</summary>
public class ServerChart : RadzenChart
{
    /// <summary>The drawing width in CSS pixels. Default 720.</summary>
    [Parameter]
    public double DrawingWidth { get; set; } = 720;

    /// <summary>The drawing height in CSS pixels. Default 240.</summary>
    [Parameter]
    public double DrawingHeight { get; set; } = 240;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        base.OnInitialized();
        Width = DrawingWidth;
        Height = DrawingHeight;
    }
}

/// <summary>A Radzen sparkline drawn on the server, as <see cref="ServerChart"/>.</summary>
public class ServerSparkline : RadzenSparkline
{
    /// <summary>The drawing width in CSS pixels. Default 120.</summary>
    [Parameter]
    public double DrawingWidth { get; set; } = 120;

    /// <summary>The drawing height in CSS pixels. Default 28.</summary>
    [Parameter]
    public double DrawingHeight { get; set; } = 28;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        base.OnInitialized();
        Width = DrawingWidth;
        Height = DrawingHeight;
    }
}
