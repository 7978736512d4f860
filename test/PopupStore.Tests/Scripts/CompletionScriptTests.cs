using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Scripts;

/// <summary>complete_orders.lua on its own against a real Redis: every branch, and what each one writes.</summary>
public sealed class CompletionScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly OrderCompleter _completer = new(redis.Redis);

    private IDatabase Db => redis.Database;

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Completes_an_order_decrements_stock_and_deletes_the_ticket()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(1), force: false);
        var ticket = await Db.StreamAddAsync(RedisKeys.Customers, "id", "alice");

        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "alice", ticket.ToString(), "1-1"));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome);
        Assert.Equal(2, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal("o1", (string?)await Db.HashGetAsync(RedisKeys.Buyers, "alice"));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Customers));
        var complete = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Complete));
        Assert.Equal("o1", (string?)complete["order"]);
        Assert.Equal("alice", (string?)complete["customer"]);
        Assert.Equal("1-1", (string?)complete["entry"]);
        Assert.Equal(1, (long)await Db.HashGetAsync(RedisKeys.Counts, "completed"));
    }

    [Fact]
    public async Task A_second_order_of_the_same_customer_is_a_duplicate()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(1), force: false);
        await _completer.CompleteAsync(new OrderRequest("o1", "bob", string.Empty, "1-1"));

        var second = await _completer.CompleteAsync(new OrderRequest("o2", "bob", string.Empty, "1-2"));

        Assert.Equal(OrderResult.Duplicate, second.Result);
        Assert.Equal(2, (long)await Db.StringGetAsync(RedisKeys.Product));
        var rejected = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected));
        Assert.Equal("duplicate", (string?)rejected["reason"]);
        Assert.Equal("o2", (string?)rejected["order"]);
    }

    [Fact]
    public async Task Orders_after_the_last_unit_are_sold_out_and_stock_stays_at_zero()
    {
        await new SaleStore(redis.Redis).StartAsync(1, TimeSpan.FromMinutes(1), force: false);
        Assert.Equal(OrderResult.Complete, (await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, "1-1"))).Result);

        for (var i = 2; i < 6; i++)
        {
            var outcome = await _completer.CompleteAsync(new OrderRequest($"o{i}", $"c{i}", string.Empty, $"1-{i}"));
            Assert.Equal(OrderResult.SoldOut, outcome.Result);
        }

        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(4, (long)await Db.HashGetAsync(RedisKeys.Counts, "rejected:sold-out"));
    }

    [Fact]
    public async Task Without_a_sale_orders_are_closed()
    {
        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, "1-1"));

        Assert.Equal(OrderResult.Closed, outcome.Result);
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Product));
        Assert.Equal("no sale has started", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Theory]
    [InlineData("opens", 3_600_000, "the sale has not opened yet")]
    [InlineData("closes", -1, "the sale window has ended")]
    public async Task Orders_outside_the_window_are_closed(string field, long offsetMs, string detail)
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Db.HashSetAsync(RedisKeys.Sale, field, now + offsetMs);

        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, "1-1"));

        Assert.Equal(OrderResult.Closed, outcome.Result);
        Assert.Equal(5, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(detail, (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task An_explicitly_closed_sale_answers_closed()
    {
        var sales = new SaleStore(redis.Redis);
        await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await sales.CloseAsync();

        Assert.Equal(OrderResult.Closed, (await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, "1-1"))).Result);
        Assert.Equal("closed", (await sales.GetStatusAsync()).State);
    }

    [Fact]
    public async Task Invalid_orders_are_rejected_with_their_reason_and_touch_no_stock()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);

        var outcome = await _completer.CompleteAsync(new OrderRequest("9-9", string.Empty, string.Empty, "9-9", "missing order id"));

        Assert.Equal(OrderResult.Invalid, outcome.Result);
        Assert.Equal(5, (long)await Db.StringGetAsync(RedisKeys.Product));
        var rejected = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected));
        Assert.Equal("invalid", (string?)rejected["reason"]);
        Assert.Equal("missing order id", (string?)rejected["detail"]);
        Assert.Equal("9-9", (string?)rejected["order"]);
    }

    [Fact]
    public async Task Answering_the_same_order_again_replays_the_first_outcome_and_writes_nothing()
    {
        await new SaleStore(redis.Redis).StartAsync(1, TimeSpan.FromMinutes(1), force: false);
        var order = new OrderRequest("o1", "c1", string.Empty, "1-1");
        var first = await _completer.CompleteAsync(order);

        var again = await _completer.CompleteAsync(order);
        var sameIdOtherCustomer = await _completer.CompleteAsync(order with { CustomerId = "c2" });

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), first);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), again);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), sameIdOtherCustomer);
        Assert.Equal(1, await Db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task Concurrent_orders_never_oversell()
    {
        await new SaleStore(redis.Redis).StartAsync(50, TimeSpan.FromMinutes(1), force: false);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            _completer.CompleteAsync(new OrderRequest($"o{i}", $"c{i % 300}", string.Empty, $"1-{i}"))));

        Assert.Equal(50, outcomes.Count(o => o.Result == OrderResult.Complete));
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis);
    }
}
