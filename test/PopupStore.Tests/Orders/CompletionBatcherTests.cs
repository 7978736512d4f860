using PopupStore.Testing;
using PopupStore.Core.Orders;
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
    public async Task A_script_error_stays_with_the_order_that_caused_it_and_the_rest_of_its_batch_is_answered()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);

        // A connection of its own, so its outstanding commands are the batcher's alone.
        await using var connection = await redis.Server.ConnectAsync();
        await using var batcher = new CompletionBatcher(connection, maxBatch: 16, callsInFlight: 1);

        // Writing to queue:rejected fails (WRONGTYPE): the batch below breaks at its third order, after
        // two were answered. The first order completes and never writes there.
        await redis.Database.StringSetAsync(RedisKeys.Rejected, "not a stream");

        // The one call slot is held by an order sent while Redis is frozen; the next five queue up
        // behind it and go out together as one batch.
        Task<OrderOutcome> first;
        Task<OrderOutcome>[] batch;
        redis.Server.Pause();
        try
        {
            first = batcher.CompleteAsync(new OrderRequest("first", "c0", string.Empty, Arrivals.Now(0)));
            await WaitUntilAsync(() => connection.GetCounters().TotalOutstanding >= 1, "the first order's script call was never sent");

            batch =
            [
                batcher.CompleteAsync(new OrderRequest("v1", "c1", string.Empty, Arrivals.Now(1))),
                batcher.CompleteAsync(new OrderRequest("v2", "c2", string.Empty, Arrivals.Now(2))),
                batcher.CompleteAsync(new OrderRequest("bad", "c3", string.Empty, Arrivals.Now(3), "invalid on purpose")),
                batcher.CompleteAsync(new OrderRequest("v4", "c4", string.Empty, Arrivals.Now(4))),
                batcher.CompleteAsync(new OrderRequest("v5", "c5", string.Empty, Arrivals.Now(5))),
            ];
        }
        finally
        {
            redis.Server.Resume();
        }

        // The first order only holds the call slot. Once, on a loaded machine, it came back as a replay
        // (Fresh false): its call reached Redis twice, most likely sent again by the client after the freeze.
        // The script keeps that exactly-once; what this test is about is the batch below.
        Assert.Equal(OrderResult.Complete, (await first.WaitAsync(TimeSpan.FromSeconds(10))).Result);

        // The batch's call fails at "bad" after answering v1 and v2. The batcher then answers each order
        // of that batch on its own: v1 and v2 replay what the failed call stored (not sold twice), v4 and
        // v5 get fresh answers, and only "bad", whose own answer cannot be written, fails.
        var answers = await Task.WhenAll(batch.Select(async call =>
        {
            try
            {
                return (Outcome: (OrderOutcome?)await call.WaitAsync(TimeSpan.FromSeconds(10)), Error: (string?)null);
            }
            catch (RedisServerException ex)
            {
                return (Outcome: (OrderOutcome?)null, Error: (string?)ex.Message);
            }
        }));
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), answers[0].Outcome);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, false), answers[1].Outcome);
        Assert.Null(answers[2].Outcome);
        Assert.Contains("WRONGTYPE", answers[2].Error, StringComparison.Ordinal);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), answers[3].Outcome);
        Assert.Equal(new OrderOutcome(OrderResult.Complete, true), answers[4].Outcome);

        // The batcher goes on: once queue:rejected is a stream again, the failed order is answered.
        await redis.Database.KeyDeleteAsync(RedisKeys.Rejected);
        var retried = await batcher.CompleteAsync(new OrderRequest("bad", "c3", string.Empty, Arrivals.Now(3), "invalid on purpose"));

        Assert.Equal(new OrderOutcome(OrderResult.Invalid, true), retried);
        Assert.Equal(0, (long)await redis.Database.StringGetAsync(RedisKeys.Product));
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
    public async Task An_order_after_disposal_is_refused()
    {
        var batcher = new CompletionBatcher(redis.Redis);
        await batcher.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = batcher.CompleteAsync(new OrderRequest("late", "c", string.Empty, Arrivals.Now(1))); });
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
