using HdrHistogram;

namespace PopupStore.LoadClient.Report;

/// <summary>Arrival-to-answer latency percentiles in milliseconds, from an HDR histogram.</summary>
public sealed record LatencySummary(long P50, long P90, long P99, long Max, double Mean, long Count)
{
    public static LatencySummary From(LongHistogram histogram) => histogram.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetMaxValue(),
            Math.Round(histogram.GetMean(), 2),
            histogram.TotalCount);
}
