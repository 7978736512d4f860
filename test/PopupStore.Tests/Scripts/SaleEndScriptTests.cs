using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Testing;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Scripts;

/// <summary>
/// The end of a sale in the states a real one reaches that the other script tests do not: orders still arriving
/// after the window ended, and a missing stock key while the window is open.
/// </summary>
public sealed class SaleEndScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private IDatabase Db => redis.Database;

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_stream_with_orders_past_the_end_is_fenced_without_moving_its_last_id()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMilliseconds(50), force: false);
        await Task.Delay(100);
        // The crowd keeps ordering after closes until a silo checks the window: the stream's top is past the end.
        var late = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "late"), new("customer", "c1")]);
        Assert.True(StreamIds.Milliseconds(late.ToString()) > sale.ClosesAt);

        Assert.True(await sales.FenceIfOverAsync());

        var info = await Db.StreamInfoAsync(RedisKeys.Orders);
        Assert.Equal(late.ToString(), info.LastGeneratedId.ToString());
    }

    [Fact]
    public async Task A_close_after_the_window_ended_records_the_window_s_end_and_keeps_later_orders()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMilliseconds(50), force: false);
        await Task.Delay(100);
        var late = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "late"), new("customer", "c1")]);

        var closedAt = await sales.CloseAsync();

        Assert.Equal(sale.ClosesAt, closedAt);
        Assert.Equal(late.ToString(), (await Db.StreamInfoAsync(RedisKeys.Orders)).LastGeneratedId.ToString());
    }

    [Fact]
    public async Task Without_a_stock_key_an_open_sale_sells_nothing()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(1), force: false);
        await Db.KeyDeleteAsync(RedisKeys.Product);

        var outcome = await new OrderCompleter(redis.Redis).CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));

        Assert.Equal(OrderResult.SoldOut, outcome.Result);
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Product) && (long)await Db.StringGetAsync(RedisKeys.Product) < 0);
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Complete));
    }
}
