using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.Orders;
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

        var arrived = Arrivals.Now(1);
        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "alice", ticket.ToString(), arrived));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome);
        Assert.Equal(2, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal("o1", (string?)await Db.HashGetAsync(RedisKeys.Buyers, "alice"));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Customers));
        var complete = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Complete));
        Assert.Equal("o1", (string?)complete["order"]);
        Assert.Equal("alice", (string?)complete["customer"]);
        Assert.Equal(arrived, (string?)complete["entry"]);
        Assert.Equal(1, (long)await Db.HashGetAsync(RedisKeys.Counts, "completed"));
    }

    [Fact]
    public async Task A_batch_deletes_every_ticket_it_answers_even_beside_one_redis_cannot_parse()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(1), force: false);
        var first = await Db.StreamAddAsync(RedisKeys.Customers, "id", "c1");
        var waiting = await Db.StreamAddAsync(RedisKeys.Customers, "id", "c-not-in-this-batch");
        var second = await Db.StreamAddAsync(RedisKeys.Customers, "id", "c3");

        // The parser drops such a ticket; a caller that skips the parser must not cost the others theirs.
        var outcomes = await _completer.CompleteManyAsync(
        [
            new OrderRequest("o1", "c1", first.ToString(), Arrivals.Now(1)),
            new OrderRequest("o2", "c2", "99999999999999999999999-1", Arrivals.Now(2)),
            new OrderRequest("o3", "c3", second.ToString(), Arrivals.Now(3)),
        ]);

        Assert.All(outcomes, outcome => Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome));
        var left = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Customers));
        Assert.Equal(waiting, left.Id);
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task A_second_order_of_the_same_customer_is_a_duplicate()
    {
        await new SaleStore(redis.Redis).StartAsync(3, TimeSpan.FromMinutes(1), force: false);
        await _completer.CompleteAsync(new OrderRequest("o1", "bob", string.Empty, Arrivals.Now(1)));

        var second = await _completer.CompleteAsync(new OrderRequest("o2", "bob", string.Empty, Arrivals.Now(2)));

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
        Assert.Equal(OrderResult.Complete, (await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)))).Result);

        for (var i = 2; i < 6; i++)
        {
            var outcome = await _completer.CompleteAsync(new OrderRequest($"o{i}", $"c{i}", string.Empty, Arrivals.Now(i)));
            Assert.Equal(OrderResult.SoldOut, outcome.Result);
        }

        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(4, (long)await Db.HashGetAsync(RedisKeys.Counts, "rejected:sold-out"));
    }

    [Fact]
    public async Task Without_a_sale_orders_are_closed()
    {
        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)));

        Assert.Equal(OrderResult.Closed, outcome.Result);
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Product));
        Assert.Equal("no sale has started", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task An_order_that_arrived_before_the_opening_is_closed_even_when_processed_inside_the_window()
    {
        var sale = await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);

        var outcome = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.At(sale.OpensAt - 1)));

        Assert.Equal(OrderResult.Closed, outcome.Result);
        Assert.Equal(5, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal("arrived before the sale opened", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task In_the_opening_millisecond_only_orders_already_in_the_stream_at_the_start_arrived_before_it()
    {
        var written = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o0"), new("customer", "c0")]);
        var sale = await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        Assert.Equal(written.ToString(), (string?)await Db.HashGetAsync(RedisKeys.Sale, "opened-after"));

        // As if that entry had been written in the very millisecond the sale opened, third of its millisecond.
        await Db.HashSetAsync(RedisKeys.Sale, "opened-after", Arrivals.At(sale.OpensAt, 2));
        var before = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.At(sale.OpensAt, 2)));
        var after = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, Arrivals.At(sale.OpensAt, 3)));

        Assert.Equal(OrderResult.Closed, before.Result);
        Assert.Equal("arrived before the sale opened", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
        Assert.Equal(OrderResult.Complete, after.Result);
        Assert.Equal(4, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task In_the_closing_millisecond_orders_already_in_the_stream_at_the_close_are_still_sold()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var written = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o0"), new("customer", "c0")]);
        await sales.CloseAsync();
        Assert.Equal(written.ToString(), (string?)await Db.HashGetAsync(RedisKeys.Sale, "closed-after"));

        // As if the close had run in the millisecond of that entry, right after it.
        var closedAt = StreamIds.Milliseconds(written.ToString())!.Value;
        await Db.HashSetAsync(RedisKeys.Sale, "closed", closedAt);
        var seq = long.Parse(written.ToString().Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        var before = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, written.ToString()));
        var after = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, Arrivals.At(closedAt, seq + 1)));

        Assert.True(closedAt >= sale.OpensAt);
        Assert.Equal(OrderResult.Complete, before.Result);
        Assert.Equal(OrderResult.Closed, after.Result);
        Assert.Equal("arrived after the sale was closed", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task An_order_that_arrived_inside_the_window_is_sold_however_late_it_is_processed()
    {
        var sale = await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var arrived = Arrivals.At(sale.OpensAt + 10);
        // The window ends before the order is processed (silos frozen, a long queue).
        await Db.HashSetAsync(RedisKeys.Sale, "closes", sale.OpensAt + 20);

        var inTime = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, arrived));
        var late = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, Arrivals.At(sale.OpensAt + 20)));

        Assert.Equal(OrderResult.Complete, inTime.Result);
        Assert.Equal(OrderResult.Closed, late.Result);
        Assert.Equal(4, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.Equal("arrived after the sale window ended", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task An_explicit_close_closes_later_arrivals_and_still_sells_earlier_ones()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var before = Arrivals.At(sale.OpensAt);
        await Task.Delay(5);
        var closedAt = await sales.CloseAsync();

        var early = await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, before));
        var after = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, Arrivals.At(closedAt!.Value)));

        Assert.Equal(OrderResult.Complete, early.Result);
        Assert.Equal(OrderResult.Closed, after.Result);
        Assert.Equal("arrived after the sale was closed", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
        Assert.Equal("closed", (await sales.GetStatusAsync()).State);
        Assert.Equal(closedAt, await sales.CloseAsync());
    }

    [Fact]
    public async Task After_a_close_no_producer_can_write_an_order_id_from_inside_the_window()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await Task.Delay(20);
        var closedAt = (await sales.CloseAsync())!.Value;

        var error = await Assert.ThrowsAsync<RedisServerException>(() =>
            Db.StreamAddAsync(RedisKeys.Orders, "id", "sneaky", messageId: Arrivals.At(sale.OpensAt + 1, 5)));
        var next = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o9"), new("customer", "c9")]);

        Assert.Contains("equal or smaller", error.Message, StringComparison.Ordinal);
        Assert.True(StreamIds.Milliseconds(next.ToString()) >= closedAt);
    }

    [Fact]
    public async Task The_window_check_fences_the_stream_at_the_end_and_not_before()
    {
        var sales = new SaleStore(redis.Redis);
        // Long enough for the checks before the end to run before it on a loaded machine; that they did is asserted.
        var sale = await sales.StartAsync(5, TimeSpan.FromSeconds(2), force: false);

        var fencedEarly = await sales.FenceIfOverAsync();
        // Before the end a producer may still write an order that arrived a moment before it.
        var inTime = await Db.StreamAddAsync(RedisKeys.Orders, "id", "in-time", messageId: Arrivals.At(sale.ClosesAt - 2));
        Assert.True(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < sale.ClosesAt, "the window ended before the checks ran: make it longer");
        Assert.False(fencedEarly);
        Assert.Equal(Arrivals.At(sale.ClosesAt - 2), inTime.ToString());

        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, sale.ClosesAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) + 50));
        Assert.True(await sales.FenceIfOverAsync());
        Assert.Equal(Arrivals.At(sale.ClosesAt), (await Db.StreamInfoAsync(RedisKeys.Orders)).LastGeneratedId.ToString());
        Assert.True(await sales.FenceIfOverAsync());
        Assert.Equal(Arrivals.At(sale.ClosesAt), (await Db.StreamInfoAsync(RedisKeys.Orders)).LastGeneratedId.ToString());

        // Above the last in-time order, yet in the window: the fence alone refuses it.
        await Assert.ThrowsAsync<RedisServerException>(() =>
            Db.StreamAddAsync(RedisKeys.Orders, "id", "sneaky", messageId: Arrivals.At(sale.ClosesAt - 1)));
    }

    [Fact]
    public async Task An_order_read_during_another_sale_touches_nothing()
    {
        var sales = new SaleStore(redis.Redis);
        await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var generation = (long)await Db.HashGetAsync(RedisKeys.Sale, "generation");
        await sales.ResetAsync();
        await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);

        await Assert.ThrowsAsync<SaleChangedException>(() =>
            _completer.CompleteAsync(new OrderRequest("old", "c1", string.Empty, Arrivals.Now(1), Generation: generation)));
        var current = await _completer.CompleteAsync(
            new OrderRequest("new", "c1", string.Empty, Arrivals.Now(2), Generation: generation + 1));

        Assert.Equal(OrderResult.Complete, current.Result);
        Assert.Equal(4, (long)await Db.StringGetAsync(RedisKeys.Product));
        Assert.False(await Db.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "old")));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(1, await Db.HashLengthAsync(RedisKeys.Counts));
    }

    [Fact]
    public async Task A_purchase_the_customer_grain_knows_of_is_a_duplicate_without_a_stock_decision()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(0)));

        var outcome = await _completer.CompleteAsync(new OrderRequest("o2", "c1", string.Empty, Arrivals.Now(1), BoughtBefore: "o1"));

        Assert.Equal(new OrderOutcome(OrderResult.Duplicate, true), outcome);
        Assert.Equal(4, (long)await Db.StringGetAsync(RedisKeys.Product));
        var rejected = Assert.Single(await Db.StreamRangeAsync(RedisKeys.Rejected));
        Assert.Equal("customer already bought with order o1", (string?)rejected["detail"]);
        Assert.Equal("duplicate", (string?)await Db.HashGetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "o2")));
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
        var order = new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1));
        var first = await _completer.CompleteAsync(order);

        var again = await _completer.CompleteAsync(order);

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), first);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), again);
        Assert.Equal(1, await Db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await Db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
    }

    [Fact]
    public async Task An_order_whose_outcome_cannot_be_written_is_left_untouched()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await Db.StringSetAsync(RedisKeys.Complete, "not a stream");

        await Assert.ThrowsAsync<RedisServerException>(() => _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1))));

        // Not a buyer without a unit, nor a unit gone without a sale: once the key is mended, the order is sold.
        Assert.False(await Db.HashExistsAsync(RedisKeys.Buyers, "c1"));
        Assert.False(await Db.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField("c1", "o1")));
        Assert.Equal(5, (long)await Db.StringGetAsync(RedisKeys.Product));
        await Db.KeyDeleteAsync(RedisKeys.Complete);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), await _completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1))));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis);
    }

    [Theory]
    [InlineData("product", "2.5", "7")]
    [InlineData("sale:counts", "many", "7")]
    [InlineData("product", "2.5", "6.2")]
    [InlineData("sale:counts", "many", "6.2")]
    public async Task A_stock_or_count_that_is_not_a_whole_number_refuses_the_batch_before_any_write(string key, string value, string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var connection = await server.ConnectAsync();
        var db = connection.GetDatabase();
        await new SaleStore(connection).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var ticket = await db.StreamAddAsync(RedisKeys.Customers, "id", "c1");
        if (key == "product")
        {
            await db.StringSetAsync(RedisKeys.Product, value);
        }
        else
        {
            await db.HashSetAsync(RedisKeys.Counts, "rejected:sold-out", value);
        }

        var failure = await Assert.ThrowsAsync<RedisServerException>(() => new OrderCompleter(connection).CompleteManyAsync(
        [
            new OrderRequest("o1", "c1", ticket.ToString(), Arrivals.Now(1)),
            new OrderRequest("o2", "c2", string.Empty, Arrivals.Now(2), "invalid on purpose"),
        ]));

        // Not the orders' fault: callers retry it as a Redis condition and never count it against the entries.
        Assert.Contains($"{key} holds \"{value}\"", failure.Message, StringComparison.Ordinal);
        Assert.False(ScriptErrors.IsRuntimeError(failure), failure.Message);
        Assert.True(FailureCause.IsOutsideTheEntry(failure), failure.Message);
        Assert.Equal(0, await db.HashLengthAsync(RedisKeys.Answered));
        Assert.Equal(0, await db.HashLengthAsync(RedisKeys.Buyers));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(1, await db.StreamLengthAsync(RedisKeys.Customers));
    }

    [Fact]
    public async Task An_order_id_another_customer_used_is_an_order_of_its_own_never_a_replay_of_theirs()
    {
        await new SaleStore(redis.Redis).StartAsync(1, TimeSpan.FromMinutes(1), force: false);
        var bought = await _completer.CompleteAsync(new OrderRequest("o1", "alice", string.Empty, Arrivals.Now(1)));

        // bob reuses alice's order id: his order is decided on its own (the unit is gone), and his own next
        // order is not a duplicate, because he never bought.
        var reused = await _completer.CompleteAsync(new OrderRequest("o1", "bob", string.Empty, Arrivals.Now(2)));
        var next = await _completer.CompleteAsync(new OrderRequest("o2", "bob", string.Empty, Arrivals.Now(3)));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), bought);
        Assert.Equal(new OrderOutcome(OrderResult.SoldOut, true), reused);
        Assert.Equal(new OrderOutcome(OrderResult.SoldOut, true), next);
        Assert.False(await Db.HashExistsAsync(RedisKeys.Buyers, "bob"));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis, expectDrained: false);
    }

    [Fact]
    public async Task A_grain_that_claims_a_purchase_redis_does_not_know_of_gets_no_duplicate()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);

        // A ledger misled into recording a purchase (a replayed answer of another customer's order id, in
        // versions before this check) must not make the customer's real order a duplicate.
        var outcome = await _completer.CompleteAsync(new OrderRequest("o2", "bob", string.Empty, Arrivals.Now(1), BoughtBefore: "o1"));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome);
        Assert.Equal("o2", (string?)await Db.HashGetAsync(RedisKeys.Buyers, "bob"));
    }

    [Theory]
    [InlineData("decrby", "7")]
    [InlineData("hset", "7")]
    [InlineData("hincrby", "7")]
    [InlineData("decrby", "6.2")]
    [InlineData("hset", "6.2")]
    public async Task A_command_denied_mid_sale_delays_the_batch_and_leaves_nothing_half_done(string command, string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var admin = await server.ConnectAsync();
        await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "shop", "on", ">test-only-shop", "~*", "+@all");
        await using var shop = await ConnectionMultiplexer.ConnectAsync(server.WithCredentials("shop", "test-only-shop"));
        var completer = new OrderCompleter(shop);
        var db = admin.GetDatabase();
        await new SaleStore(admin).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        Assert.Equal(OrderResult.Complete, (await completer.CompleteAsync(new OrderRequest("o1", "c1", string.Empty, Arrivals.Now(1)))).Result);

        // An operator takes one command away from the silos' user in the middle of the sale.
        await db.ExecuteAsync("ACL", "SETUSER", "shop", "-" + command);
        List<OrderRequest> batch =
        [
            new("o2", "c2", string.Empty, Arrivals.Now(2)),
            new("o3", "c3", string.Empty, Arrivals.Now(3)),
            new("o4", "c1", string.Empty, Arrivals.Now(4)),
        ];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var failure = await Assert.ThrowsAsync<RedisServerException>(() => completer.CompleteManyAsync(batch));
            Assert.True(FailureCause.IsOutsideTheEntry(failure), failure.Message);
        }

        // Nothing of the refused batch was written, however often it was tried.
        Assert.Equal(4, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(1, await db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(1, await db.HashLengthAsync(RedisKeys.Answered));
        Assert.Equal(1, await db.HashLengthAsync(RedisKeys.Buyers));

        await db.ExecuteAsync("ACL", "SETUSER", "shop", "+" + command);
        var outcomes = await completer.CompleteManyAsync(batch);
        Assert.Equal([OrderResult.Complete, OrderResult.Complete, OrderResult.Duplicate], outcomes.Select(o => o!.Value.Result));
        Assert.All(outcomes, o => Assert.True(o!.Value.Fresh));
        Assert.Equal(2, (long)await db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(admin, expectDrained: false);
    }

    [Theory]
    [InlineData("queue:complete", "7")]
    [InlineData("sale:buyers", "7")]
    [InlineData("queue:rejected", "6.2")]
    [InlineData("sale:answered", "6.2")]
    public async Task A_wrong_typed_key_refuses_the_batch_before_any_write_and_is_not_the_entries_fault(string key, string version)
    {
        await using var server = await RedisVersions.StartAsync(version);
        await using var connection = await server.ConnectAsync();
        var db = connection.GetDatabase();
        var completer = new OrderCompleter(connection);
        await new SaleStore(connection).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        Assert.Equal(OrderResult.Complete, (await completer.CompleteAsync(new OrderRequest("o0", "c0", string.Empty, Arrivals.Now(0)))).Result);
        var keep = key == "queue:complete" || key == "queue:rejected" ? null : await db.HashGetAllAsync(key);
        await db.KeyDeleteAsync(key);
        await db.StringSetAsync(key, "not what it should be");

        List<OrderRequest> batch =
        [
            new("o1", "c1", string.Empty, Arrivals.Now(1)),
            new("o2", "c2", string.Empty, Arrivals.Now(2)),
            new("o3", "c3", string.Empty, Arrivals.Now(3), "invalid on purpose"),
        ];
        var failure = await Assert.ThrowsAsync<RedisServerException>(() => completer.CompleteManyAsync(batch));

        // An operator's mistake, not the orders': it never counts toward MaxDeliveries, and nothing was written.
        Assert.Contains("WRONGTYPE", failure.Message, StringComparison.Ordinal);
        Assert.True(FailureCause.IsOutsideTheEntry(failure), failure.Message);
        Assert.Equal(4, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(1, (long)await db.HashGetAsync(RedisKeys.Counts, "completed"));

        await db.KeyDeleteAsync(key);
        if (keep is { Length: > 0 })
        {
            await db.HashSetAsync(key, keep);
        }
        else if (key == "queue:complete")
        {
            // The one sale before the mistake, as it was.
            await db.StreamAddAsync(RedisKeys.Complete, [new("order", "o0"), new("customer", "c0"), new("ticket", string.Empty), new("entry", Arrivals.Now(0))]);
        }

        var outcomes = await completer.CompleteManyAsync(batch);
        Assert.Equal([OrderResult.Complete, OrderResult.Complete, OrderResult.Invalid], outcomes.Select(o => o!.Value.Result));
        Assert.Equal(2, (long)await db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(connection, expectDrained: false);
    }

    [Fact]
    public async Task An_entry_dated_after_the_read_that_found_it_is_judged_as_arriving_at_that_read()
    {
        var sale = await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var read = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Dated an hour past the end by an explicit id (or queued behind such an entry), read inside the window.
        var future = await _completer.CompleteAsync(
            new OrderRequest("o1", "c1", string.Empty, Arrivals.At(sale.ClosesAt + 3_600_000, 7), ReadAt: read));
        var honest = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, Arrivals.Now(1), ReadAt: read + 1_000));

        Assert.Equal(OrderResult.Complete, future.Result);
        Assert.Equal(OrderResult.Complete, honest.Result);
    }

    [Fact]
    public async Task An_entry_dated_ahead_of_its_read_is_placed_by_the_close_among_the_entries_in_the_stream()
    {
        var sales = new SaleStore(redis.Redis);
        var sale = await sales.StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        var ahead = sale.ClosesAt + 3_600_000;
        await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o1"), new("customer", "c1")], messageId: Arrivals.At(ahead, 0));
        var inLine = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o2"), new("customer", "c2")]);
        var closedAt = (await sales.CloseAsync())!.Value;
        var late = await Db.StreamAddAsync(RedisKeys.Orders, [new("id", "o3"), new("customer", "c3")]);

        // All three are read after the close: the two already in line when it closed are sold, the later one is not.
        var read = closedAt + 5;
        var first = await _completer.CompleteAsync(new OrderRequest("o2", "c2", string.Empty, inLine.ToString(), ReadAt: read));
        var after = await _completer.CompleteAsync(new OrderRequest("o3", "c3", string.Empty, late.ToString(), ReadAt: read));

        Assert.Equal(OrderResult.Complete, first.Result);
        Assert.Equal(OrderResult.Closed, after.Result);
        Assert.Equal("arrived after the sale was closed", (string?)(await Db.StreamRangeAsync(RedisKeys.Rejected))[0]["detail"]);
    }

    [Fact]
    public async Task Concurrent_orders_never_oversell()
    {
        await new SaleStore(redis.Redis).StartAsync(50, TimeSpan.FromMinutes(1), force: false);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
            _completer.CompleteAsync(new OrderRequest($"o{i}", $"c{i % 300}", string.Empty, Arrivals.Now(i)))));

        Assert.Equal(50, outcomes.Count(o => o.Result == OrderResult.Complete));
        Assert.Equal(0, (long)await Db.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis);
    }
}
