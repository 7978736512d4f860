using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.Core.Redis;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Orders;

/// <summary>The outcome streams read in pages against a real Redis: every entry once, whatever the page size.</summary>
public sealed class OutcomeReaderTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private IDatabase Db => redis.Database;

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<string>> AddCompleteAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await Db.StreamAddAsync(RedisKeys.Complete, [new("order", $"o{i}"), new("customer", $"c{i}"), new("ticket", "1-1"), new("entry", $"1700000000000-{i}")]))!);
        }

        return ids;
    }

    [Theory]
    [InlineData(5, 2)]   // a last page shorter than the page size
    [InlineData(4, 2)]   // a last page exactly full: one more read finds it empty
    [InlineData(3, 5000)]
    [InlineData(0, 2)]
    public async Task Every_entry_is_read_once_in_order_whatever_the_page_size(int entries, int pageSize)
    {
        var ids = await AddCompleteAsync(entries);

        var (answers, lastComplete, lastRejected) = await new OutcomeReader(redis.Redis, pageSize).ReadAfterAsync("0-0", "0-0");

        Assert.Equal(Enumerable.Range(0, entries).Select(i => $"o{i}"), answers.Select(a => a.OrderId));
        Assert.Equal(ids, answers.Select(a => a.OutcomeEntryId));
        Assert.Equal(entries == 0 ? "0-0" : ids[^1], lastComplete);
        Assert.Equal("0-0", lastRejected);
    }

    [Fact]
    public async Task Reading_after_a_position_returns_only_what_came_later()
    {
        var ids = await AddCompleteAsync(3);

        var (answers, last, _) = await new OutcomeReader(redis.Redis, pageSize: 2).ReadAfterAsync(ids[0], "0-0");

        Assert.Equal(["o1", "o2"], answers.Select(a => a.OrderId));
        Assert.Equal(ids[2], last);
        Assert.Equal(ids[2], await new OutcomeReader(redis.Redis).LastIdAsync(RedisKeys.Complete));
        Assert.Equal("0-0", await new OutcomeReader(redis.Redis).LastIdAsync(RedisKeys.Rejected));
    }

    [Fact]
    public async Task A_confirmed_read_stops_before_the_confirmed_time_and_an_unbounded_one_does_not()
    {
        await Db.StreamAddAsync(RedisKeys.Complete, [new("order", "early"), new("customer", "c1")], messageId: "1000-0");
        await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "early-no"), new("customer", "c2"), new("reason", "sold-out")], messageId: "1000-5");
        await Db.StreamAddAsync(RedisKeys.Complete, [new("order", "same-ms"), new("customer", "c3")], messageId: "2000-0");
        await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "late-no"), new("customer", "c4"), new("reason", "sold-out")], messageId: "3000-0");
        var reader = new OutcomeReader(redis.Redis);

        // Without sale:confirmed (answers not durable) everything is read.
        Assert.Equal(4, (await reader.ReadAfterAsync("0-0", "0-0", confirmedOnly: true)).Answers.Count);

        // Confirmed before 2000 ms: an entry of that very millisecond may have come after the probe.
        await Db.StringSetAsync(RedisKeys.Confirmed, 2000);
        var (answers, lastComplete, lastRejected) = await reader.ReadAfterAsync("0-0", "0-0", confirmedOnly: true);
        Assert.Equal(["early", "early-no"], answers.Select(a => a.OrderId));
        Assert.Equal(("1000-0", "1000-5"), (lastComplete, lastRejected));

        await Db.StringSetAsync(RedisKeys.Confirmed, 3001);
        Assert.Equal(["same-ms", "late-no"], (await reader.ReadAfterAsync(lastComplete, lastRejected, confirmedOnly: true)).Answers.Select(a => a.OrderId));
        Assert.Equal(4, (await reader.ReadAfterAsync("0-0", "0-0")).Answers.Count);
    }

    [Fact]
    public async Task Each_field_lands_where_it_belongs()
    {
        var complete = await Db.StreamAddAsync(RedisKeys.Complete, [new("order", "o1"), new("customer", "c1"), new("entry", "1700000000000-0")]);
        var rejected = await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "o2"), new("customer", "c2"), new("reason", "sold-out"), new("detail", "why"), new("entry", "1700000000001-0")]);
        await Db.StreamAddAsync(RedisKeys.Rejected, [new("order", "o3")]);

        var answers = await new OutcomeReader(redis.Redis).ReadAllAsync();

        Assert.Equal(
            [
                new AnsweredOrder("o1", "c1", OrderResult.Complete, "1700000000000-0", complete.ToString(), string.Empty),
                new AnsweredOrder("o2", "c2", OrderResult.SoldOut, "1700000000001-0", rejected.ToString(), "why"),
                new AnsweredOrder("o3", string.Empty, OrderResult.Invalid, string.Empty, answers[2].OutcomeEntryId, string.Empty),
            ],
            answers);
    }
}
