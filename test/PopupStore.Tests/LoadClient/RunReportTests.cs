using PopupStore.Core.Orders;
using PopupStore.LoadClient.Report;

namespace PopupStore.Tests.LoadClient;

public sealed class RunReportTests
{
    [Fact]
    public void Figures_come_from_the_outcomes()
    {
        var report = SyntheticRun.Report();

        Assert.Equal(10, report.OrdersWritten);
        Assert.Equal(9, report.Answered);
        Assert.Equal(1, report.Unanswered);
        Assert.Equal(4, report.Completed);
        Assert.Equal(1, report.Rejected["duplicate"]);
        Assert.Equal(3, report.Rejected["sold-out"]);
        Assert.Equal(0, report.Rejected["closed"]);
        Assert.Equal(1, report.Rejected["invalid"]);
        Assert.False(report.Passed, "an unanswered order fails the run");

        // Sold out with the last sale at 1200 ms: 100 ms after the last arrival (1100 ms).
        Assert.Equal(1.2, report.SellOutSeconds);
        Assert.Equal(0.1, report.SellOutAfterArrivalSeconds);
        Assert.Equal(2.9, report.DurationSeconds);
        Assert.Equal(9 / 2.9, report.OrdersPerSecond, 6);
    }

    [Fact]
    public void Latency_percentiles_are_arrival_to_answer()
    {
        var latency = SyntheticRun.Report().Latency;

        // Latencies: 4, 12, 50, 800, 700, 600, 999, 1000, 1800 ms.
        Assert.Equal(9, latency.Count);
        Assert.InRange(latency.Max, 1799, 1801);
        Assert.InRange(latency.P50, 699, 701);
        Assert.InRange(latency.P90, 999, 1001);
    }

    [Fact]
    public void Timeline_counts_answers_per_second_by_outcome()
    {
        var timeline = SyntheticRun.Report().Timeline;

        Assert.Equal(SyntheticRun.T0, timeline.StartMilliseconds);
        Assert.Equal(1, timeline.BucketSeconds);
        Assert.Equal(3, timeline.Buckets.Count);
        Assert.Equal((3, 1, 0, 0), (timeline.Buckets[0].Completed, timeline.Buckets[0].Duplicate, timeline.Buckets[0].SoldOut, timeline.Buckets[0].Invalid));
        Assert.Equal((1, 0, 2, 0), (timeline.Buckets[1].Completed, timeline.Buckets[1].Duplicate, timeline.Buckets[1].SoldOut, timeline.Buckets[1].Invalid));
        Assert.Equal((0, 0, 1, 1), (timeline.Buckets[2].Completed, timeline.Buckets[2].Duplicate, timeline.Buckets[2].SoldOut, timeline.Buckets[2].Invalid));
        Assert.Equal([6, 3, 0], timeline.Buckets.Select(b => b.Arrived));
        Assert.Equal(9, timeline.Buckets.Sum(b => b.Answered));
    }

    [Fact]
    public void Units_left_are_the_product_at_the_end_plus_later_sales()
    {
        var timeline = SyntheticRun.Report().Timeline;

        // 4 units sold by this run, none left: 1 left after second 0, none after second 1.
        Assert.Equal([1L, 0L, 0L], timeline.Buckets.Select(b => b.UnitsLeft));

        var withStockLeft = RunTimeline.Build(SyntheticRun.Answers, productLeft: 10);
        Assert.Equal([11L, 10L, 10L], withStockLeft.Buckets.Select(b => b.UnitsLeft));
    }

    [Fact]
    public void Latency_distribution_uses_log_bands_up_to_the_slowest()
    {
        var bands = SyntheticRun.Report().Timeline.Latency;

        Assert.Equal(0, bands[0].FromMs);
        Assert.Equal(9, bands.Sum(b => b.Count));
        Assert.Equal(1, bands.Single(b => b.FromMs == 2).Count);      // 4 ms
        Assert.Equal(1, bands.Single(b => b.FromMs == 10).Count);     // 12 ms
        Assert.Equal(1, bands.Single(b => b.FromMs == 50).Count);     // 50 ms
        Assert.Equal(4, bands.Single(b => b.FromMs == 500).Count);    // 600, 700, 800, 999 ms
        Assert.Equal(2, bands.Single(b => b.FromMs == 1000).Count);   // 1000, 1800 ms
        Assert.Equal(2000, bands[^1].ToMs);
    }

    [Fact]
    public void A_long_run_gets_wider_buckets()
    {
        var answers = Enumerable.Range(0, 2000)
            .Select(i => SyntheticRun.Answer($"o-{i}", OrderResult.SoldOut, i * 1000L, (i * 1000L) + 5))
            .ToArray();

        var timeline = RunTimeline.Build(answers, productLeft: 0);

        Assert.True(timeline.Buckets.Count <= RunTimeline.MaxBuckets);
        Assert.Equal(4, timeline.BucketSeconds);
        Assert.Equal(2000, timeline.Buckets.Sum(b => b.SoldOut));
    }

    [Fact]
    public void No_answers_make_an_empty_timeline()
    {
        var timeline = RunTimeline.Build([], productLeft: 5);

        Assert.Empty(timeline.Buckets);
        Assert.Empty(timeline.Latency);
    }
}
