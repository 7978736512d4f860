using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Testing;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Scripts;

/// <summary>
/// complete_orders.lua taking a storefront order: the producer's two entries written, the order decided and its
/// queue:orders entry gone in the same step, and the same order never written twice.
/// </summary>
public sealed class StorefrontOrderScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly OrderCompleter _completer = new(redis.Redis);

    private IDatabase Db => redis.Database;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await new SaleStore(redis.Redis).StartAsync(2, TimeSpan.FromMinutes(1), force: false);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_storefront_order_is_written_as_a_producer_writes_it_decided_and_leaves_nothing_for_the_pollers()
    {
        var outcome = await _completer.CompleteAsync(OrderRequest.Storefront("o1", "alice"));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome);
        var entry = (string?)await Db.HashGetAsync(RedisKeys.WebOrders, RedisKeys.AnswerField("alice", "o1"));
        Assert.NotNull(entry);
        Assert.Equal(entry, await LastIdAsync(RedisKeys.Orders));

        // The ticket and the order were written (Gears counts them in the XADD) and are gone: a poller reads nothing.
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Orders));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Customers));
        Assert.NotEqual("0-0", await LastIdAsync(RedisKeys.Customers));
        var read = await Db.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "a-poller", ">", 10);
        Assert.Empty(read);

        var complete = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Complete));
        Assert.Equal("o1", (string?)complete["order"]);
        Assert.Equal(entry, (string?)complete["entry"]);
        Assert.Equal(await LastIdAsync(RedisKeys.Customers), (string?)complete["ticket"]);
        Assert.Equal("o1", (string?)await Db.HashGetAsync(RedisKeys.Buyers, "alice"));
        Assert.Equal(1, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(1, (long)await Db.HashGetAsync(RedisKeys.Counts, "completed"));
    }

    [Fact]
    public async Task The_same_storefront_order_sent_again_replays_its_answer_and_writes_nothing()
    {
        var outcomes = await _completer.CompleteManyAsync(
            [OrderRequest.Storefront("o1", "alice"), OrderRequest.Storefront("o1", "alice")]);
        var lastOrder = await LastIdAsync(RedisKeys.Orders);
        var again = await _completer.CompleteAsync(OrderRequest.Storefront("o1", "alice"));

        Assert.Equal([new OrderOutcome(OrderResult.Complete, true), new OrderOutcome(OrderResult.Complete, false)], outcomes);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), again);
        Assert.Equal(lastOrder, await LastIdAsync(RedisKeys.Orders));
        Assert.Single(await Db.StreamRangeAsync(RedisKeys.Complete));
        Assert.Equal(1, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task A_storefront_order_of_a_customer_who_bought_through_the_stream_is_a_recorded_duplicate()
    {
        await _completer.CompleteAsync(new OrderRequest("s1", "bob", string.Empty, Arrivals.Now(1)));

        var web = await _completer.CompleteAsync(OrderRequest.Storefront("w1", "bob"));

        Assert.Equal(new OrderOutcome(OrderResult.Duplicate, true), web);
        var rejected = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected));
        Assert.Equal("w1", (string?)rejected["order"]);
        Assert.Equal(
            (string?)await Db.HashGetAsync(RedisKeys.WebOrders, RedisKeys.AnswerField("bob", "w1")),
            (string?)rejected["entry"]);
        Assert.Equal(1, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task A_storefront_order_left_written_and_unanswered_is_not_written_again()
    {
        // What a call that failed half way leaves: the order registered, its entry waiting in queue:orders.
        var waiting = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o1"), new("customer", "carol"), new("ticket", "")]);
        await Db.HashSetAsync(RedisKeys.WebOrders, RedisKeys.AnswerField("carol", "o1"), waiting);

        await Assert.ThrowsAsync<SaleChangedException>(() => _completer.CompleteAsync(OrderRequest.Storefront("o1", "carol")));

        Assert.Equal(1, await Db.StreamLengthAsync(RedisKeys.Orders));
        Assert.Equal(waiting.ToString(), await LastIdAsync(RedisKeys.Orders));
        Assert.Equal(2, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.False(await Db.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("carol", "o1")));
    }

    [Fact]
    public async Task A_storefront_order_after_the_close_is_closed_and_recorded()
    {
        await new SaleStore(redis.Redis).CloseAsync();

        var outcome = await _completer.CompleteAsync(OrderRequest.Storefront("late", "dave"));

        Assert.Equal(new OrderOutcome(OrderResult.Closed, true), outcome);
        Assert.Equal("closed", (string?)Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected))["reason"]);
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Orders));
    }

    [Fact]
    public async Task A_storefront_order_that_the_orders_waiting_ahead_could_outbid_for_the_last_units_waits_behind_them()
    {
        // Two stream orders arrived first and wait in queue:orders; two units are left.
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "s1"), new("customer", "early-1"), new("ticket", "")]);
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "s2"), new("customer", "early-2"), new("ticket", "")]);

        await Assert.ThrowsAsync<OrderQueuedException>(() => _completer.CompleteAsync(OrderRequest.Storefront("w1", "late")));

        // Written, registered and left in the queue behind them, its customer still waiting: a poller decides it in turn.
        var entries = await Db.StreamRangeAsync(RedisKeys.Orders);
        Assert.Equal(["s1", "s2", "w1"], entries.Select(e => (string?)e["id"]));
        Assert.Equal(entries[2].Id.ToString(), (string?)await Db.HashGetAsync(RedisKeys.WebOrders, RedisKeys.AnswerField("late", "w1")));
        Assert.Equal((string?)entries[2]["ticket"], (await Db.StreamRangeAsync(RedisKeys.Customers)).Single().Id.ToString());
        Assert.False(await Db.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("late", "w1")));
        Assert.Equal(2, (long)await Db.StringGetAsync(RedisKeys.Product));

        // Sent again while it waits: written nothing more.
        await Assert.ThrowsAsync<SaleChangedException>(() => _completer.CompleteAsync(OrderRequest.Storefront("w1", "late")));
        Assert.Equal(3, await Db.StreamLengthAsync(RedisKeys.Orders));
    }

    [Fact]
    public async Task A_storefront_order_is_decided_at_once_while_the_units_left_outnumber_the_orders_waiting()
    {
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "s1"), new("customer", "early-1"), new("ticket", "")]);

        var bought = await _completer.CompleteAsync(OrderRequest.Storefront("w1", "next"));

        // And an order that cannot buy (a customer who bought) is answered at once whatever waits.
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "s2"), new("customer", "early-2"), new("ticket", "")]);
        var duplicate = await _completer.CompleteAsync(OrderRequest.Storefront("w2", "next"));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), bought);
        Assert.Equal(new OrderOutcome(OrderResult.Duplicate, true), duplicate);
        Assert.Equal(["s1", "s2"], (await Db.StreamRangeAsync(RedisKeys.Orders)).Select(e => (string?)e["id"]));
    }

    [Theory]
    [MemberData(nameof(RedisVersions.Both), MemberType = typeof(RedisVersions))]
    public async Task A_user_who_may_not_write_queue_orders_is_refused_NOPERM_before_anything_is_written(string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var admin = await server.ConnectAsync();
        await new SaleStore(admin).StartAsync(2, TimeSpan.FromMinutes(1), force: false);
        await admin.GetDatabase().ExecuteAsync(
            "ACL", "SETUSER", "no-orders", "on", ">secret", "~product", "~sale", "~sale:*", "~queue:complete", "~queue:rejected",
            "~queue:customers", "+@all");
        await using var limited = await ConnectionMultiplexer.ConnectAsync(server.WithCredentials("no-orders", "secret"));

        var refused = await Assert.ThrowsAsync<RedisServerException>(
            () => new OrderCompleter(limited).CompleteAsync(OrderRequest.Storefront("o1", "erin")));

        Assert.StartsWith("NOPERM", refused.Message);
        var db = admin.GetDatabase();
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Customers));
        Assert.False(await db.KeyExistsAsync(RedisKeys.Answered));
        Assert.Equal(2, (long)await db.StringGetAsync(RedisKeys.Product));
    }

    private async Task<string> LastIdAsync(RedisKey stream)
    {
        var info = await Db.StreamInfoAsync(stream);
        return info.LastGeneratedId.ToString();
    }
}
