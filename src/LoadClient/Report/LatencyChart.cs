using System.Globalization;

namespace PopupStore.LoadClient.Report;

/// <summary>How many orders were answered within each latency band (arrival to answer, log-spaced bands).</summary>
public static class LatencyChart
{
    public const string Id = "latency-distribution";

    public static string Render(RunTimeline timeline, LatencySummary summary, double width = 1000, double height = 300)
    {
        var bands = timeline.Latency;
        var columns = Math.Max(1, bands.Count);
        var plot = new SvgPlot(Id, "Latency distribution, arrival to answer", width, height, columns, bands.Count == 0 ? 1 : bands.Max(b => b.Count))
            .Axes(
                string.Create(CultureInfo.InvariantCulture, $"latency (p50 {summary.P50} ms, p90 {summary.P90} ms, p99 {summary.P99} ms, max {summary.Max} ms)"),
                "orders",
                Boundaries(bands))
            .Legend([("orders answered within the band", OutcomePalette.Latency)]);

        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            var left = plot.X(i + 0.1);
            var top = plot.Y(band.Count);
            plot.Rect(left, top, plot.X(i + 0.9) - left, plot.Y(0) - top, OutcomePalette.Latency, $"{band.Label}: {band.Count} orders");
            if (band.Count > 0)
            {
                plot.Text(plot.X(i + 0.5), top - 4, band.Count.ToString(CultureInfo.InvariantCulture), "middle", "#222", 11);
            }
        }

        return plot.ToString();
    }

    /// <summary>Ticks at the band edges ("0", "5ms", "1s"): short enough not to overlap, and the bars sit between them.</summary>
    private static IEnumerable<(double At, string Label)> Boundaries(IReadOnlyList<LatencyBucket> bands)
    {
        for (var i = 0; i < bands.Count; i++)
        {
            yield return (i, Edge(bands[i].FromMs));
        }

        if (bands.Count > 0 && bands[^1].ToMs is { } last)
        {
            yield return (bands.Count, Edge(last));
        }
    }

    private static string Edge(long ms) => ms switch
    {
        0 => "0",
        < 1000 => ms.ToString(CultureInfo.InvariantCulture) + "ms",
        _ => (ms / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + "s",
    };
}
