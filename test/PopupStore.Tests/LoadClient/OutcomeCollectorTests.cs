using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.LoadClient.Load;
using PopupStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Tests.LoadClient;

/// <summary>How a <c>run</c> follows the outcome streams: counted while answers come in, read for its own orders.</summary>
public sealed class OutcomeCollectorTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task AnswerAsync(RedisKey stream, string order, string? reason = null) =>
        redis.Database.StreamAddAsync(
            stream,
            reason is null
                ? [new("order", order), new("customer", "c"), new("entry", "1-0")]
                : [new("order", order), new("customer", "c"), new("entry", "1-0"), new("reason", reason)]);

    [Fact]
    public async Task Counts_every_answer_since_the_start_and_reads_only_the_runs_own()
    {
        await AnswerAsync(RedisKeys.Complete, "o-r1-before");
        await AnswerAsync(RedisKeys.Rejected, "o-r1-before-2", "sold-out");
        var collector = await OutcomeCollector.StartAsync(redis.Redis, "r1");

        await AnswerAsync(RedisKeys.Complete, "o-r1-0-0");
        await AnswerAsync(RedisKeys.Rejected, "o-r1-1-0", "duplicate");
        await AnswerAsync(RedisKeys.Rejected, "o-other-0-0", "sold-out");

        // Another run's answer is counted (the count is only an upper bound), answers from before are not.
        Assert.Equal(3, await collector.CountAsync());
        Assert.Empty(collector.Answers);

        Assert.Equal(2, await collector.PollAsync());
        Assert.Equal(OrderResult.Complete, collector.Answers["o-r1-0-0"].Result);
        Assert.Equal(OrderResult.Duplicate, collector.Answers["o-r1-1-0"].Result);

        // Read again: nothing new, nothing counted twice; a second answer to one order is.
        Assert.Equal(2, await collector.PollAsync());
        await AnswerAsync(RedisKeys.Complete, "o-r1-1-0");
        Assert.Equal(2, await collector.PollAsync());
        Assert.Equal(1, collector.DoubleAnswers);
        Assert.Equal(4, await collector.CountAsync());
    }
}
