using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Tests.Infrastructure;

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

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 500).Select(i =>
            batcher.CompleteAsync(new OrderRequest($"o{i}", $"c{i % 250}", string.Empty, Arrivals.Now(i)))));

        Assert.Equal(100, outcomes.Count(o => o.Result == OrderResult.Complete));
        Assert.Equal(500, outcomes.Count(o => o.Fresh));
        Assert.Equal(500, await redis.Database.HashLengthAsync(RedisKeys.Answered));
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
    public async Task A_failed_script_call_fails_every_order_of_its_batch_and_the_batcher_goes_on()
    {
        await new SaleStore(redis.Redis).StartAsync(5, TimeSpan.FromMinutes(1), force: false);
        await using var batcher = new CompletionBatcher(redis.Redis);
        await redis.Database.KeyDeleteAsync(RedisKeys.Rejected);
        await redis.Database.StringSetAsync(RedisKeys.Rejected, "not a stream");

        await Assert.ThrowsAnyAsync<Exception>(() => batcher.CompleteAsync(new OrderRequest("bad", "c", string.Empty, Arrivals.Now(1), "invalid on purpose")));
        await redis.Database.KeyDeleteAsync(RedisKeys.Rejected);
        var next = await batcher.CompleteAsync(new OrderRequest("good", "c2", string.Empty, Arrivals.Now(2)));

        Assert.Equal(OrderResult.Complete, next.Result);
    }
}
