using PopupStore.Grains.TimeSeries;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.TimeSeries;

/// <summary>
/// stream_counters.lua against a real redis-server 7: the counting method behind ts:enqueue, with the
/// XDEL that queue:orders and queue:customers see, fed through the sampler.
/// </summary>
public sealed class StreamCountersTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private const string Stream = "queue:orders";

    private IDatabase Db => redis.Database;

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<RedisValue> Add(string id) => Db.StreamAddAsync(Stream, "id", "o" + id, id);

    [Fact]
    public async Task Counts_entries_added_in_each_window_even_when_they_were_deleted()
    {
        // Window (5000, 10000]: ids 5000..9999. Three orders, then one that arrives just after the end
        // before the snapshot of that window is taken.
        foreach (var id in new[] { "5000-0", "7000-0", "9999-5" })
        {
            await Add(id);
        }

        await Add("10001-0");
        var first = await QueueSnapshot.ReadAsync(Db, [Stream], Window, windowEndMs: 10_000);

        // Next window: three more; two orders get answered and deleted (one of them the late one),
        // and one arrives after this window's end.
        foreach (var id in new[] { "10002-0", "12000-0", "14999-0" })
        {
            await Add(id);
        }

        await Db.StreamDeleteAsync(Stream, ["10001-0", "12000-0", "5000-0"]);
        await Add("15001-0");
        var second = await QueueSnapshot.ReadAsync(Db, [Stream], Window, windowEndMs: 15_000);

        var c1 = Assert.Single(first.Streams);
        Assert.Equal(new StreamCounters(Stream, 4, 4, 1, null), c1);
        var c2 = Assert.Single(second.Streams);
        Assert.Equal(new StreamCounters(Stream, 5, 8, 1, null), c2);

        var sampler = new QueueWindowSampler();
        sampler.Sample(first);
        var samples = sampler.Sample(second).ToDictionary(s => s.Key, s => s.Value);

        Assert.Equal(5, samples["ts:len:queue:orders"]);
        Assert.Equal(4, samples["ts:enqueue:queue:orders"]);   // 10001, 10002, 12000, 14999: two of them deleted since
        Assert.Equal(15_000, second.WindowEndMs);
    }

    [Fact]
    public async Task Missing_streams_read_as_empty_and_the_window_follows_the_redis_clock()
    {
        await Db.StringSetAsync("queue:not-a-stream", "x");

        var snapshot = await QueueSnapshot.ReadAsync(Db, [.. QueueSeries.Streams, "queue:not-a-stream"], Window);

        Assert.All(snapshot.Streams, s => Assert.Equal(new StreamCounters(s.Stream, 0, 0, 0, null), s with { PresentInWindow = null }));
        Assert.Equal(0, snapshot.WindowEndMs % 5000);
        Assert.InRange(snapshot.NowMs - snapshot.WindowEndMs, 0, 4999);
        var redisNow = await redis.Redis.GetServer(redis.Redis.GetEndPoints()[0]).TimeAsync();
        Assert.InRange(new DateTimeOffset(DateTime.SpecifyKind(redisNow, DateTimeKind.Utc)).ToUnixTimeMilliseconds() - snapshot.NowMs, 0, 5000);
    }

    [Fact]
    public async Task Entries_added_now_land_in_the_window_that_is_open()
    {
        var before = await QueueSnapshot.ReadAsync(Db, [Stream], Window);
        for (var i = 0; i < 25; i++)
        {
            await Db.StreamAddAsync(Stream, "id", $"live-{i}");
        }

        var after = await QueueSnapshot.ReadAsync(Db, [Stream], Window, windowEndMs: before.WindowEndMs);

        // Every entry just added has an id at or after the last closed window's end.
        Assert.Equal(25, after.Streams[0].EntriesAdded);
        Assert.Equal(25, after.Streams[0].AddedAfterEnd);
    }

    [Fact]
    public async Task The_nredisstack_sink_needs_the_module_and_says_so_on_plain_redis()
    {
        // The real sink is only exercised here as far as a Redis without RedisTimeSeries allows:
        // TS.CREATE is an unknown command, and that error is not mistaken for "already exists".
        var sink = new NRedisStackSeriesSink(redis.Redis);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => sink.EnsureSeriesAsync(QueueSeries.Definitions, QueueSeries.DefaultRetention));

        Assert.Contains("unknown command", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(NRedisStackSeriesSink.IsAlreadyExists(error.Message));
        Assert.True(NRedisStackSeriesSink.IsAlreadyExists("ERR TSDB: key already exists"));
    }
}
