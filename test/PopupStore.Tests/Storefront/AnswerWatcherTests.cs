using PopupStore.Core.Durability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Grains.Storefront;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.Storefront;

/// <summary>
/// A silo's watch on <c>sale:answered</c> for the storefront orders its buyers wait for: found there by its lookup,
/// or settled by the customer grain that was handed the order, which ends the watch without a lookup.
/// </summary>
public sealed class AnswerWatcherTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_settled_order_answers_its_waiters_at_once_and_is_no_longer_watched()
    {
        await redis.FlushAsync();
        var watcher = Watcher();
        var first = watcher.WaitAsync("c-1", "o-1", TimeSpan.FromMinutes(1));
        var again = watcher.WaitAsync("c-1", "o-1", TimeSpan.FromMinutes(1));
        var other = watcher.WaitAsync("c-1", "o-2", TimeSpan.FromMinutes(1));

        watcher.Settle("c-1", "o-1", OrderResult.SoldOut);

        // Its lookup loop never ran: only the settling could have answered.
        Assert.Equal(OrderResult.SoldOut, await first.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(OrderResult.SoldOut, await again.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(other.IsCompleted);
        Assert.Equal(1, watcher.Watching);
    }

    [Fact]
    public async Task Settling_an_order_nobody_watches_does_not_answer_a_later_wait()
    {
        await redis.FlushAsync();
        var watcher = Watcher();

        watcher.Settle("c-1", "o-1", OrderResult.Complete);
        var later = watcher.WaitAsync("c-1", "o-1", TimeSpan.FromMilliseconds(300));

        Assert.Null(await later);
    }

    [Fact]
    public async Task An_order_answered_in_redis_is_found_by_the_lookup_and_a_timeout_answers_null()
    {
        await redis.FlushAsync();
        var watcher = Watcher();
        await watcher.StartAsync(CancellationToken.None);
        try
        {
            var answered = watcher.WaitAsync("c-1", "o-1", TimeSpan.FromSeconds(30));
            var never = watcher.WaitAsync("c-1", "o-2", TimeSpan.FromMilliseconds(300));
            // Another customer's order with the same id is another order: its answer is not this one's.
            await redis.Database.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c-2", "o-2"), "complete");
            await redis.Database.HashSetAsync(RedisKeys.Answered, RedisKeys.AnswerField("c-1", "o-1"), "duplicate");

            Assert.Equal(OrderResult.Duplicate, await answered.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Null(await never);
        }
        finally
        {
            await watcher.StopAsync(CancellationToken.None);
        }
    }

    private AnswerWatcher Watcher() => new(
        new WebOrderStore(redis.Redis, AnswerDurability.Off(redis.Redis)),
        Options.Create(new StorefrontOptions { AnswerPollInterval = Interval }),
        NullLogger<AnswerWatcher>.Instance);
}
