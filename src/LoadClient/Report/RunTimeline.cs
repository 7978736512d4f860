using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;

namespace PopupStore.LoadClient.Report;

/// <summary>
/// The run over time, computed from the outcome entries: their stream ids are the answer times and their <c>entry</c>
/// field is the order's stream id, its arrival time, both on Redis' clock.
/// </summary>
public sealed record RunTimeline(
    long StartMilliseconds,
    double BucketSeconds,
    IReadOnlyList<TimelineBucket> Buckets,
    IReadOnlyList<LatencyBucket> Latency)
{
    /// <summary>At most this many buckets: a long run gets wider buckets instead of a chart too dense to read.</summary>
    public const int MaxBuckets = 600;

    /// <summary>Bucket edges of the latency distribution, in milliseconds (1-2-5 steps).</summary>
    public static readonly long[] LatencyEdges =
        [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000];

    public static readonly RunTimeline Empty = new(0, 1, [], []);

    /// <param name="answers">This run's answers.</param>
    /// <param name="productLeft">Units left when the run ended: the units left at a moment are those plus the run's later sales.</param>
    public static RunTimeline Build(IEnumerable<AnsweredOrder> answers, long productLeft)
    {
        var all = answers.ToArray();
        var arrivals = all.Select(a => StreamIds.Milliseconds(a.OrderEntryId)).OfType<long>().ToArray();
        var answeredTimes = all.Where(a => a.AnsweredAtMilliseconds > 0).Select(a => a.AnsweredAtMilliseconds).ToArray();
        if (answeredTimes.Length == 0)
        {
            return Empty with { Latency = LatencyDistribution(all) };
        }

        var start = Math.Min(arrivals.DefaultIfEmpty(long.MaxValue).Min(), answeredTimes.Min());
        var end = Math.Max(arrivals.DefaultIfEmpty(0).Max(), answeredTimes.Max());
        var seconds = (end - start) / 1000 + 1;
        var width = (long)Math.Ceiling(seconds / (double)MaxBuckets);
        var count = (int)((seconds + width - 1) / width);
        var bucketMs = width * 1000;

        var arrived = new int[count];
        foreach (var at in arrivals)
        {
            arrived[(at - start) / bucketMs]++;
        }

        var byOutcome = new int[count, OrderResults.All.Count];
        foreach (var answer in all.Where(a => a.AnsweredAtMilliseconds > 0))
        {
            byOutcome[(answer.AnsweredAtMilliseconds - start) / bucketMs, (int)answer.Result]++;
        }

        var buckets = new TimelineBucket[count];
        var soldLater = all.Count(a => a.Result == OrderResult.Complete && a.AnsweredAtMilliseconds > 0);
        for (var i = 0; i < count; i++)
        {
            soldLater -= byOutcome[i, (int)OrderResult.Complete];
            buckets[i] = new TimelineBucket(
                i * (double)width,
                arrived[i],
                byOutcome[i, (int)OrderResult.Complete],
                byOutcome[i, (int)OrderResult.Duplicate],
                byOutcome[i, (int)OrderResult.SoldOut],
                byOutcome[i, (int)OrderResult.Closed],
                byOutcome[i, (int)OrderResult.Invalid],
                productLeft + soldLater);
        }

        return new RunTimeline(start, width, buckets, LatencyDistribution(all));
    }

    private static LatencyBucket[] LatencyDistribution(IEnumerable<AnsweredOrder> answers)
    {
        var counts = new int[LatencyEdges.Length];
        foreach (var latency in answers.Select(a => a.LatencyMilliseconds).OfType<long>())
        {
            var slot = Array.BinarySearch(LatencyEdges, latency);
            counts[slot >= 0 ? slot : ~slot - 1]++;
        }

        var last = Array.FindLastIndex(counts, c => c > 0);
        return Enumerable.Range(0, last + 1)
            .Select(i => new LatencyBucket(LatencyEdges[i], i + 1 < LatencyEdges.Length ? LatencyEdges[i + 1] : null, counts[i]))
            .ToArray();
    }
}
