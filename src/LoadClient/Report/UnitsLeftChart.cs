namespace PopupStore.LoadClient.Report;

/// <summary>Units left (the product counter) over the run, as a step line from the units at the first order.</summary>
public static class UnitsLeftChart
{
    public const string Id = "units-left";

    public static string Render(RunTimeline timeline, double width = 1000, double height = 280)
    {
        var buckets = timeline.Buckets;
        var span = Math.Max(1, buckets.Count * timeline.BucketSeconds);
        var atStart = buckets.Count == 0 ? 0 : buckets[0].UnitsLeft + buckets[0].Completed;
        var plot = new SvgPlot(Id, "Units left over time", width, height, span, atStart)
            .Axes("seconds since the first order", "units left")
            .Legend([("units left (product)", OutcomePalette.Units)]);

        var points = new List<(double, double)> { (0, atStart) };
        foreach (var bucket in buckets)
        {
            var end = bucket.StartSecond + timeline.BucketSeconds;
            points.Add((end, bucket.UnitsLeft));
        }

        plot.Polyline(points, OutcomePalette.Units, strokeWidth: 2.5);
        return plot.ToString();
    }
}
