using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Scripts;

/// <summary>
/// complete_orders.lua keeping first come, first served among orders read from queue:orders: a later arrival does not
/// take a unit that earlier arrivals, read and still undecided, could take.
/// </summary>
public sealed class ArrivalOrderScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly OrderCompleter _completer = new(redis.Redis);
    private long _generation;

    private IDatabase Db => redis.Database;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new SaleStore(redis.Redis).StartAsync(2, TimeSpan.FromMinutes(1), force: false);
        _generation = (long)await Db.HashGetAsync(RedisKeys.Sale, "generation");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_later_arrival_waits_while_earlier_ones_read_and_undecided_could_take_the_units_left()
    {
        var (first, second, third) = (await ReadAsync("c1"), await ReadAsync("c2"), await ReadAsync("c3"));

        // Two units, two earlier arrivals pending: the third waits, and nothing is written for it.
        await Assert.ThrowsAsync<OrderQueuedException>(() => _completer.CompleteAsync(third));
        Assert.Equal(3, (await Db.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup)).PendingMessageCount);

        // The first is decided: acknowledged and deleted with its outcome. One unit left, one earlier arrival pending.
        Assert.Equal(OrderResult.Complete, (await _completer.CompleteAsync(first)).Result);
        Assert.Equal(2, (await Db.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup)).PendingMessageCount);
        Assert.Equal(2, await Db.StreamLengthAsync(RedisKeys.Orders));
        await Assert.ThrowsAsync<OrderQueuedException>(() => _completer.CompleteAsync(third));

        Assert.Equal(OrderResult.Complete, (await _completer.CompleteAsync(second)).Result);
        Assert.Equal(OrderResult.SoldOut, (await _completer.CompleteAsync(third)).Result);
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Orders));
        Assert.Equal(0, (await Db.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup)).PendingMessageCount);
    }

    [Fact]
    public async Task A_batch_holding_later_arrivals_first_decides_its_orders_in_arrival_order()
    {
        var orders = new[] { await ReadAsync("c1"), await ReadAsync("c2"), await ReadAsync("c3") };

        var outcomes = await _completer.CompleteManyAsync([orders[2], orders[1], orders[0]]);

        Assert.Equal(
            [OrderResult.SoldOut, OrderResult.Complete, OrderResult.Complete],
            outcomes.Select(outcome => outcome?.Result));
    }

    [Fact]
    public async Task An_order_more_than_ten_seconds_after_its_arrival_no_longer_waits()
    {
        // The sale opened before them (a sale only counts orders that arrived after its opening).
        var arrived = await RedisNowAsync() - 20_000;
        await Db.HashSetAsync(RedisKeys.Sale, "opens", arrived - 1_000);
        var ids = new[] { $"{arrived}-1", $"{arrived}-2", $"{arrived}-3" };
        var orders = new List<OrderRequest>();
        for (var i = 0; i < ids.Length; i++)
        {
            orders.Add(await ReadAsync($"c{i}", ids[i]));
        }

        Assert.Equal(OrderResult.Complete, (await _completer.CompleteAsync(orders[2])).Result);
    }

    /// <summary>Writes an order to queue:orders and reads it through group popup, as a poller does.</summary>
    private async Task<OrderRequest> ReadAsync(string customer, string? id = null)
    {
        NameValueEntry[] fields = [new("id", "o-" + customer), new("customer", customer), new("ticket", "")];
        var entry = id is null
            ? await Db.StreamAddAsync(RedisKeys.Orders, fields)
            : await Db.StreamAddAsync(RedisKeys.Orders, fields, id);
        await Db.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "a-poller", ">", 100);
        return new OrderRequest("o-" + customer, customer, string.Empty, entry.ToString(), Generation: _generation, ReadAt: await RedisNowAsync());
    }

    private async Task<long> RedisNowAsync()
    {
        var time = (RedisResult[])(await Db.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }
}
