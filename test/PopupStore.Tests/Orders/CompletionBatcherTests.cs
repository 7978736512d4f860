using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Grains.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.Orders;

public sealed class CompletionBatcherTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Concurrent_completions_are_answered_each_with_its_own_outcome()
    {
        await new SaleStore(redis.Redis).StartAsync(100, TimeSpan.FromMinutes(1), force: false);
        await using var batcher = new CompletionBatcher(redis.Redis, maxBatch: 16, callsInFlight: 2);
        var orders = Enumerable.Range(0, 500).Select(i => new OrderRequest($"o{i}", $"c{i % 250}", string.Empty, Arrivals.Now(i))).ToList();

        var outcomes = await Task.WhenAll(orders.Select(batcher.CompleteAsync));

        // Each caller gets the outcome stored for its own order, not one of its batch's neighbours'.
        var stored = (await redis.Database.HashGetAllAsync(RedisKeys.Answered)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(500, stored.Count);
        Assert.All(orders.Zip(outcomes), pair => Assert.Equal(stored[RedisKeys.AnswerField(pair.First.CustomerId, pair.First.OrderId)], pair.Second.Result.ToWire()));
        Assert.All(outcomes, o => Assert.True(o.Fresh));
        var buyers = (await redis.Database.HashGetAllAsync(RedisKeys.Buyers)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal(
            orders.Zip(outcomes).Where(p => p.Second.Result == OrderResult.Complete).Select(p => (p.First.CustomerId, p.First.OrderId)).Order(),
            buyers.Select(b => (b.Key, b.Value)).Order());
        Assert.Equal(100, outcomes.Count(o => o.Result == OrderResult.Complete));
        Assert.Equal(400, outcomes.Count(o => o.Result is OrderResult.SoldOut or OrderResult.Duplicate));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis);
    }

    [Fact]
    public async Task A_lone_order_is_sent_at_once()
    {
        await new SaleStore(redis.Redis).StartAsync(1, TimeSpan.FromMinutes(1), force: false);
        await using var batcher = new CompletionBatcher(redis.Redis);

        var outcome = await batcher.CompleteAsync(new OrderRequest("alone", "c", string.Empty, Arrivals.Now(1))).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), outcome);
    }

    [Fact]
    public async Task A_batch_redis_refuses_answers_none_of_its_orders_and_each_is_answered_once_mended()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await using var connection = await redis.Server.ConnectAsync();
        await using var batcher = new CompletionBatcher(connection, maxBatch: 16, callsInFlight: 1);

        // An operator's mistake: the completion script refuses every batch before its first write (it checks the
        // type of each key it writes), so no order is half answered and none is blamed for it. (A script error an
        // order's content causes would be split off to that order; no order can cause one through Redis' state.)
        await redis.Database.StringSetAsync(RedisKeys.Rejected, "not a stream");
        List<OrderRequest> orders =
        [
            new("v1", "c1", string.Empty, Arrivals.Now(1)),
            new("v2", "c2", string.Empty, Arrivals.Now(2)),
            new("bad", "c3", string.Empty, Arrivals.Now(3), "invalid on purpose"),
            new("v4", "c4", string.Empty, Arrivals.Now(4)),
        ];
        var refused = await Task.WhenAll(orders.Select(async order =>
        {
            var error = await Assert.ThrowsAsync<RedisServerException>(() => batcher.CompleteAsync(order).WaitAsync(TimeSpan.FromSeconds(10)));
            return error;
        }));

        Assert.All(refused, error => Assert.True(FailureCause.IsOutsideTheEntry(error), error.Message));
        Assert.Equal(5, (long)await redis.Database.StringGetAsync(RedisKeys.Product));
        Assert.Equal(0, await redis.Database.HashLengthAsync(RedisKeys.Answered));

        await redis.Database.KeyDeleteAsync(RedisKeys.Rejected);
        var answers = await Task.WhenAll(orders.Select(batcher.CompleteAsync));

        Assert.Equal([OrderResult.Complete, OrderResult.Complete, OrderResult.Invalid, OrderResult.Complete], answers.Select(a => a.Result));
        Assert.All(answers, a => Assert.True(a.Fresh));
        Assert.Equal(2, (long)await redis.Database.StringGetAsync(RedisKeys.Product));
        await SaleAssertions.AssertInvariantsAsync(redis.Redis);
    }

    [Fact]
    public async Task A_call_carries_at_most_max_batch_orders_and_no_more_calls_run_than_allowed()
    {
        await new SaleStore(redis.Redis).StartAsync(10, TimeSpan.FromMinutes(1), force: false);
        await using var connection = await redis.Server.ConnectAsync();
        await using var batcher = new CompletionBatcher(connection, maxBatch: 2, callsInFlight: 1);
        await redis.Database.ExecuteAsync("CONFIG", "RESETSTAT");

        // A fresh connection may still have its own start-up commands out; counted below, they once read as a second call.
        await connection.GetDatabase().PingAsync();
        await WaitUntilAsync(() => connection.GetCounters().TotalOutstanding == 0, "the new connection never settled");

        Task<OrderOutcome>[] calls;
        long outstandingWhileFrozen;
        redis.Server.Pause();
        try
        {
            var first = batcher.CompleteAsync(new OrderRequest("b0", "c0", string.Empty, Arrivals.Now(0)));
            await WaitUntilAsync(() => connection.GetCounters().TotalOutstanding >= 1, "the first call was never sent");
            calls = [first, .. Enumerable.Range(1, 3).Select(i => batcher.CompleteAsync(new OrderRequest($"b{i}", $"c{i}", string.Empty, Arrivals.Now(i))))];

            // The one slot is taken: the three queued orders must not go out before the first call returns.
            await Task.Delay(300);
            outstandingWhileFrozen = connection.GetCounters().TotalOutstanding;
        }
        finally
        {
            redis.Server.Resume();
        }

        Assert.All(await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10)), o => Assert.Equal(new OrderOutcome(OrderResult.Complete, true), o));
        Assert.Equal(1, outstandingWhileFrozen);

        // [b0], then [b1, b2] (a full batch), then [b3]: three script calls.
        Assert.Equal(3, await EvalShaCallsAsync());
    }

    [Fact]
    public async Task An_order_waiting_behind_earlier_arrivals_is_sent_again_until_they_are_decided()
    {
        var (first, second, third) = await ThreeReadOrdersForTwoUnitsAsync();
        await using var batcher = new CompletionBatcher(redis.Redis, queuedWaitLimit: TimeSpan.FromSeconds(30));

        var waiting = batcher.CompleteAsync(third);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        var completer = new OrderCompleter(redis.Redis);
        Assert.Equal(OrderResult.Complete, (await completer.CompleteAsync(first)).Result);
        Assert.Equal(OrderResult.Complete, (await completer.CompleteAsync(second)).Result);
        Assert.Equal(OrderResult.SoldOut, (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Result);
    }

    [Fact]
    public async Task An_order_still_waiting_after_the_limit_is_given_back_as_queued()
    {
        // The earlier arrivals are never decided here, as when the silo holding them died: the caller (a poller)
        // must get the order back, or it cannot go and claim them.
        var (_, _, third) = await ThreeReadOrdersForTwoUnitsAsync();
        await using var batcher = new CompletionBatcher(redis.Redis);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<OrderQueuedException>(() => batcher.CompleteAsync(third).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.InRange(clock.Elapsed, CompletionBatcher.DefaultQueuedWaitLimit - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        Assert.False(await redis.Database.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField(third.CustomerId, third.OrderId)));
        Assert.Equal(3, (await redis.Database.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup)).PendingMessageCount);
    }

    [Fact]
    public async Task An_order_after_disposal_is_refused()
    {
        var batcher = new CompletionBatcher(redis.Redis);
        await batcher.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = batcher.CompleteAsync(new OrderRequest("late", "c", string.Empty, Arrivals.Now(1))); });
    }

    /// <summary>A sale of two units and three orders written to queue:orders and read through group popup, as a poller reads them.</summary>
    private async Task<(OrderRequest First, OrderRequest Second, OrderRequest Third)> ThreeReadOrdersForTwoUnitsAsync()
    {
        await new SaleStore(redis.Redis).StartAsync(2, TimeSpan.FromMinutes(1), force: false);
        var db = redis.Database;
        var generation = (long)await db.HashGetAsync(RedisKeys.Sale, "generation");
        var orders = new List<OrderRequest>();
        foreach (var customer in new[] { "c1", "c2", "c3" })
        {
            var entry = await db.StreamAddAsync(RedisKeys.Orders, [new("id", "o-" + customer), new("customer", customer)]);
            orders.Add(new OrderRequest("o-" + customer, customer, string.Empty, entry.ToString(), Generation: generation));
        }

        await db.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "a-poller", ">", 10);
        return (orders[0], orders[1], orders[2]);
    }

    private async Task<long> EvalShaCallsAsync()
    {
        var info = (string)(await redis.Database.ExecuteAsync("INFO", "commandstats"))!;
        var line = info.Split('\n').Single(l => l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal));
        return long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string timeoutMessage)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, timeoutMessage);
            await Task.Delay(10);
        }
    }
}
