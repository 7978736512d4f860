using System.Globalization;

namespace PopupStore.LoadClient.Report;

/// <summary>Orders answered per second, stacked by outcome, with the orders arriving per second as a dashed line.</summary>
public static class AnswersChart
{
    public const string Id = "answers-per-second";

    public static string Render(RunTimeline timeline, double width = 1000, double height = 320)
    {
        var buckets = timeline.Buckets;
        var perSecond = 1 / timeline.BucketSeconds;
        var yMax = buckets.Count == 0 ? 1 : buckets.Max(b => Math.Max(b.Answered, b.Arrived)) * perSecond;
        var span = Math.Max(1, buckets.Count * timeline.BucketSeconds);
        var plot = new SvgPlot(Id, "Orders answered per second by outcome", width, height, span, yMax)
            .Axes("seconds since the first order", "orders per second")
            .Legend(OutcomePalette.Outcomes.Select(o => (o.Name, o.Color)).Append(("orders arriving", OutcomePalette.Arrived)));

        var barWidth = Math.Max(1, (plot.X(timeline.BucketSeconds) - plot.X(0)) * 0.85);
        foreach (var bucket in buckets)
        {
            var stacked = 0.0;
            foreach (var (name, color, count) in OutcomePalette.Outcomes)
            {
                var value = count(bucket) * perSecond;
                if (value <= 0)
                {
                    continue;
                }

                var top = plot.Y(stacked + value);
                plot.Rect(
                    plot.X(bucket.StartSecond), top, barWidth, plot.Y(stacked) - top, color,
                    string.Create(CultureInfo.InvariantCulture, $"{bucket.StartSecond:0}s: {name} {value:0.#}/s"));
                stacked += value;
            }
        }

        if (buckets.Count > 0)
        {
            plot.Polyline(
                buckets.Select(b => (b.StartSecond + (timeline.BucketSeconds / 2), b.Arrived * perSecond)),
                OutcomePalette.Arrived, strokeWidth: 1.5, dashed: true);
        }

        return plot.ToString();
    }
}
