using PopupStore.Grains.TimeSeries;

namespace PopupStore.Tests.TimeSeries;

/// <summary>The sampling logic alone: snapshots in, TS.ADD samples out.</summary>
public sealed class QueueWindowSamplerTests
{
    private const long Window = 5_000;
    private const string Orders = "queue:orders";
    private const string Complete = "queue:complete";

    private static QueueSnapshot Snapshot(long end, params StreamCounters[] streams) => new(end + 40, end, streams);

    private static StreamCounters Counted(string stream, long length, long added, long afterEnd = 0) =>
        new(stream, length, added, afterEnd, null);

    private static Dictionary<string, long> ByKey(IEnumerable<SeriesSample> samples) =>
        samples.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    [Fact]
    public void The_first_window_writes_lengths_only_at_the_windows_end()
    {
        var sampler = new QueueWindowSampler();

        var samples = sampler.Sample(Snapshot(100_000, Counted(Orders, 7, 50), Counted(Complete, 30, 30)));

        Assert.All(samples, s => Assert.Equal(100_000, s.Timestamp));
        Assert.Equal(
            new Dictionary<string, long> { ["ts:len:queue:orders"] = 7, ["ts:len:queue:complete"] = 30 },
            ByKey(samples));
        Assert.Equal(100_000, sampler.LastWindowEnd);
    }

    [Fact]
    public void The_next_window_counts_entries_added_including_those_already_deleted()
    {
        var sampler = new QueueWindowSampler();
        sampler.Sample(Snapshot(100_000, Counted(Orders, 7, 50), Counted(Complete, 30, 30)));

        // 120 more orders were added (most already answered and deleted: XLEN went down), and 3 of
        // the entries present were added after the window closed, so they belong to the next one.
        var samples = sampler.Sample(Snapshot(105_000, Counted(Orders, 4, 173, afterEnd: 3), Counted(Complete, 90, 92, afterEnd: 2)));

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["ts:len:queue:orders"] = 4,
                ["ts:enqueue:queue:orders"] = 120,
                ["ts:len:queue:complete"] = 90,
                ["ts:enqueue:queue:complete"] = 60,
            },
            ByKey(samples));
        Assert.All(samples, s => Assert.Equal(105_000, s.Timestamp));

        // The 3 late orders show up in the following window, counted once.
        var next = ByKey(sampler.Sample(Snapshot(110_000, Counted(Orders, 0, 173), Counted(Complete, 92, 92))));
        Assert.Equal(3, next["ts:enqueue:queue:orders"]);
        Assert.Equal(2, next["ts:enqueue:queue:complete"]);
    }

    [Fact]
    public void A_window_already_written_is_not_written_again()
    {
        var sampler = new QueueWindowSampler();
        sampler.Sample(Snapshot(100_000, Counted(Orders, 1, 1)));

        Assert.Empty(sampler.Sample(Snapshot(100_000, Counted(Orders, 2, 2))));
        Assert.Empty(sampler.Sample(Snapshot(95_000, Counted(Orders, 2, 2))));
    }

    [Fact]
    public void After_a_missed_window_the_next_one_carries_its_entries_so_totals_stay_exact()
    {
        var sampler = new QueueWindowSampler();
        sampler.Sample(Snapshot(100_000, Counted(Orders, 1, 10)));

        var afterGap = ByKey(sampler.Sample(Snapshot(110_000, Counted(Orders, 1, 40))));
        var next = ByKey(sampler.Sample(Snapshot(115_000, Counted(Orders, 1, 45))));

        Assert.Equal(30, afterGap["ts:enqueue:queue:orders"]);
        Assert.Equal(5, next["ts:enqueue:queue:orders"]);
    }

    [Fact]
    public void A_stream_deleted_and_written_again_counts_from_zero()
    {
        var sampler = new QueueWindowSampler();
        sampler.Sample(Snapshot(100_000, Counted(Complete, 500, 500)));

        var samples = ByKey(sampler.Sample(Snapshot(105_000, Counted(Complete, 12, 12))));

        Assert.Equal(12, samples["ts:enqueue:queue:complete"]);
    }

    [Fact]
    public void Without_entries_added_the_entries_present_in_the_window_are_counted_from_the_first_window()
    {
        var sampler = new QueueWindowSampler();

        var samples = ByKey(sampler.Sample(Snapshot(100_000, new StreamCounters(Complete, 80, null, 4, 25))));

        Assert.Equal(80, samples["ts:len:queue:complete"]);
        Assert.Equal(25, samples["ts:enqueue:queue:complete"]);
    }

    [Fact]
    public void A_duplicate_activation_started_later_rewrites_the_first_writers_points_with_equal_values()
    {
        // A duplicate writer grain (a second activation during a membership change) starts while the
        // first one has been writing for a while: its first window writes lengths only, and every point
        // it writes lands on a point the first writer wrote (same key, same timestamp) with the same
        // value, so ON_DUPLICATE LAST leaves the series as one writer would have.
        var snapshots = new[]
        {
            Snapshot(200_000, Counted(Complete, 10, 10), Counted(Orders, 3, 30)),
            Snapshot(205_000, Counted(Complete, 40, 41, afterEnd: 1), Counted(Orders, 5, 90, afterEnd: 2)),
            Snapshot(210_000, Counted(Complete, 41, 41), Counted(Orders, 0, 95)),
            Snapshot(215_000, Counted(Complete, 60, 60), Counted(Orders, 9, 130, afterEnd: 4)),
        };
        var first = new QueueWindowSampler();
        var late = new QueueWindowSampler();

        var written = snapshots.SelectMany(first.Sample).ToList();
        var rewritten = snapshots.Skip(2).SelectMany(late.Sample).ToList();

        var byPoint = written.ToDictionary(s => (s.Key, s.Timestamp));
        Assert.Equal(written.Count, byPoint.Count);   // one point per key and window
        Assert.All(rewritten, s => Assert.Equal(byPoint[(s.Key, s.Timestamp)], s));
        Assert.DoesNotContain(rewritten, s => s.Timestamp == 210_000 && s.Key.StartsWith("ts:enqueue:", StringComparison.Ordinal));
        Assert.Contains(rewritten, s => s.Timestamp == 215_000 && s.Key == "ts:enqueue:queue:complete" && s.Value == 19);
        Assert.Contains(rewritten, s => s.Timestamp == 215_000 && s.Key == "ts:enqueue:queue:orders" && s.Value == 31);
    }

    [Fact]
    public void Window_counts_add_up_to_every_entry_added_after_the_first_window()
    {
        var sampler = new QueueWindowSampler();
        var random = new Random(11);
        long added = 0;
        long counted = 0;
        long baseline = 0;
        for (var w = 0; w < 50; w++)
        {
            added += random.Next(0, 1000);
            var late = random.Next(0, 20);   // entries added just after the window's end
            var snapshot = Snapshot(300_000 + (w * Window), Counted(Orders, random.Next(0, 50), added + late, afterEnd: late));
            added += late;
            if (w == 0)
            {
                baseline = added - late;
            }

            counted += sampler.Sample(snapshot).Where(s => s.Key == "ts:enqueue:queue:orders").Sum(s => s.Value);
            if (w == 49)
            {
                Assert.Equal(added - late - baseline, counted);
            }
        }
    }
}
