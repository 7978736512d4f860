using PopupStore.Core.Redis;
using PopupStore.Grains.TimeSeries;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.TimeSeries;

/// <summary>
/// The cluster's own writer on three real silos: every silo keeps the writer grain alive, exactly one
/// activation writes each window, and its counts match what was added.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SingleWriterTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly long WindowMs = (long)ClusterFixture.TimeSeriesWindow.TotalMilliseconds;

    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => cluster.ResetSaleAsync();

    private static async Task<IReadOnlyList<RecordingSeriesSink.Write>> WaitForWindowsAsync(Func<IReadOnlyList<RecordingSeriesSink.Write>, bool> done, string waitingFor)
    {
        var timeout = TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var writes = RecordingSeriesSink.Recorded;
            if (done(writes))
            {
                return writes;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {waitingFor} within {timeout}: {writes.Count} writes recorded");
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Exactly_one_activation_writes_each_window_and_counts_what_was_added()
    {
        RecordingSeriesSink.Clear();
        var start = await WaitForWindowsAsync(w => w.Count >= 1, "window written (the silos' keepers start the writer)");
        var firstWindow = start[0].Samples[0].Timestamp;

        // 7 outcomes arrive in one burst; no poller reads queue:complete, and ResetSaleAsync clears it after.
        for (var i = 0; i < 7; i++)
        {
            await cluster.Database.StreamAddAsync(RedisKeys.Complete, [new("order", $"ts-{i}"), new("customer", $"ts-c{i}")]);
        }

        var afterAdds = await cluster.Database.StreamRangeAsync(RedisKeys.Complete, count: 1, messageOrder: Order.Descending);
        var lastAddMs = long.Parse(((string)afterAdds[0].Id!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        var writes = await WaitForWindowsAsync(w => w.Count > 0 && w[^1].Samples[0].Timestamp >= lastAddMs + (2 * WindowMs), "window two windows after the adds");

        var byWindow = writes.GroupBy(w => w.Samples[0].Timestamp).ToList();
        Assert.True(byWindow.Count >= 3, $"only {byWindow.Count} windows written");
        foreach (var window in byWindow)
        {
            var write = Assert.Single(window);   // one write per window: a single writer
            Assert.Equal(0, window.Key % WindowMs);
            Assert.All(write.Samples, s => Assert.Equal(window.Key, s.Timestamp));
            var keys = write.Samples.Select(s => s.Key).ToHashSet();
            Assert.True(QueueSeries.Streams.All(s => keys.Contains(QueueSeries.LengthKey(s))), string.Join(", ", keys));
            Assert.Subset(QueueSeries.Definitions.Select(d => d.Key).ToHashSet(), keys);
        }

        // The windows follow each other, written by one silo while the cluster is stable.
        var windowEnds = byWindow.Select(w => w.Key).ToList();
        Assert.Equal(windowEnds.Order(), windowEnds);
        Assert.Single(writes.Select(w => w.Silo).Distinct());

        // Windows after the first have enqueue counts, and they add up to the 7 entries.
        var enqueued = writes
            .Where(w => w.Samples[0].Timestamp > firstWindow)
            .SelectMany(w => w.Samples)
            .Where(s => s.Key == QueueSeries.EnqueueKey(RedisKeys.Complete.ToString()))
            .ToList();
        Assert.NotEmpty(enqueued);
        Assert.Equal(7, enqueued.Sum(s => s.Value));
        var lastLength = writes[^1].Samples.Single(s => s.Key == QueueSeries.LengthKey(RedisKeys.Complete.ToString()));
        Assert.Equal(7, lastLength.Value);
    }
}
