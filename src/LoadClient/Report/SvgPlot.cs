using System.Globalization;
using System.Net;
using System.Text;

namespace PopupStore.LoadClient.Report;

/// <summary>
/// A plotting area in inline SVG: linear axes from zero, grid lines at round numbers, and the shapes the charts draw.
/// Every number is written with the invariant culture and clamped to the plot, so the markup is always valid.
/// </summary>
public sealed class SvgPlot
{
    private const double Left = 72, Right = 24, Top = 40, Bottom = 48;

    private readonly StringBuilder _svg = new();
    private readonly double _width, _height, _xMax, _yMax;

    public SvgPlot(string id, string title, double width, double height, double xMax, double yMax)
    {
        _width = width;
        _height = height;
        _xMax = xMax > 0 && double.IsFinite(xMax) ? xMax : 1;
        _yMax = NiceCeiling(yMax);
        _svg.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{id}\" viewBox=\"0 0 {F(width)} {F(height)}\" width=\"{F(width)}\" height=\"{F(height)}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        _svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title>");
    }

    public double PlotWidth => _width - Left - Right;

    public double PlotHeight => _height - Top - Bottom;

    public double X(double value) => Left + (Math.Clamp(Finite(value), 0, _xMax) / _xMax * PlotWidth);

    public double Y(double value) => Top + PlotHeight - (Math.Clamp(Finite(value), 0, _yMax) / _yMax * PlotHeight);

    /// <summary>Horizontal grid lines with labels on the left, the axis lines and the axis titles.</summary>
    public SvgPlot Axes(string xTitle, string yTitle, IEnumerable<(double At, string Label)>? xTicks = null)
    {
        foreach (var tick in Ticks(_yMax))
        {
            Line(Left, Y(tick), Left + PlotWidth, Y(tick), "#e0e0e0");
            Text(Left - 8, Y(tick) + 4, Number(tick), "end", "#555");
        }

        foreach (var (at, label) in xTicks ?? Ticks(_xMax).Select(t => (t, Number(t))))
        {
            Line(X(at), Top + PlotHeight, X(at), Top + PlotHeight + 5, "#555");
            Text(X(at), Top + PlotHeight + 18, label, "middle", "#555");
        }

        Line(Left, Top, Left, Top + PlotHeight, "#555");
        Line(Left, Top + PlotHeight, Left + PlotWidth, Top + PlotHeight, "#555");
        Text(Left + (PlotWidth / 2), _height - 8, xTitle, "middle", "#222");
        _svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"14\" y=\"{F(Top + (PlotHeight / 2))}\" text-anchor=\"middle\" fill=\"#222\" font-size=\"12\" transform=\"rotate(-90 14 {F(Top + (PlotHeight / 2))})\">{Encode(yTitle)}</text>");
        return this;
    }

    /// <summary>A row of coloured squares and names above the plot.</summary>
    public SvgPlot Legend(IEnumerable<(string Name, string Color)> entries)
    {
        var x = Left;
        foreach (var (name, color) in entries)
        {
            _svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"12\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            Text(x + 16, 22, name, "start", "#222");
            x += 28 + (name.Length * 7);
        }

        return this;
    }

    public void Rect(double x, double y, double width, double height, string color, string tooltip) =>
        _svg.Append(CultureInfo.InvariantCulture,
            $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(Math.Max(0, width))}\" height=\"{F(Math.Max(0, height))}\" fill=\"{color}\"><title>{Encode(tooltip)}</title></rect>");

    public void Polyline(IEnumerable<(double X, double Y)> points, string color, double strokeWidth = 2, bool dashed = false)
    {
        var path = string.Join(' ', points.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"));
        _svg.Append(CultureInfo.InvariantCulture,
            $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{F(strokeWidth)}\"{(dashed ? " stroke-dasharray=\"4 3\"" : string.Empty)}/>");
    }

    public void Line(double x1, double y1, double x2, double y2, string color) =>
        _svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"{color}\" stroke-width=\"1\"/>");

    public void Text(double x, double y, string text, string anchor, string color, int size = 12) =>
        _svg.Append(CultureInfo.InvariantCulture,
            $"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" fill=\"{color}\" font-size=\"{size}\">{Encode(text)}</text>");

    public override string ToString() => _svg + "</svg>";

    /// <summary>Round numbers from 0 to <paramref name="max"/>, about five of them (steps of 1, 2 or 5 times a power of ten).</summary>
    public static IReadOnlyList<double> Ticks(double max)
    {
        var step = Step(max);
        var ticks = new List<double>();
        for (var i = 0; i * step <= max * 1.0000001 && i <= 20; i++)
        {
            ticks.Add(i * step);
        }

        return ticks;
    }

    /// <summary>The smallest round number (a multiple of the tick step) at or above <paramref name="max"/>; 1 for nothing.</summary>
    public static double NiceCeiling(double max)
    {
        if (!(max > 0) || !double.IsFinite(max))
        {
            return 1;
        }

        var step = Step(max);
        return Math.Ceiling(max / step) * step;
    }

    public static string F(double value) => Math.Round(Finite(value), 1).ToString("0.#", CultureInfo.InvariantCulture);

    public static string Number(double value) => value >= 10_000
        ? (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString("0.##", CultureInfo.InvariantCulture);

    private static double Step(double max)
    {
        if (!(max > 0) || !double.IsFinite(max))
        {
            return 1;
        }

        var raw = max / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        return step;
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
