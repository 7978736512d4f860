using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.Orders;

/// <summary>queue:orders as the group sees it, when the stream or its group is missing (a forced start deletes both).</summary>
public sealed class OrderQueueTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creating_the_group_twice_is_harmless()
    {
        var queue = new OrderQueue(redis.Redis);

        await queue.EnsureGroupAsync();
        await queue.EnsureGroupAsync();

        var group = Assert.Single(await redis.Database.StreamGroupInfoAsync(RedisKeys.Orders));
        Assert.Equal("popup", group.Name);
    }

    [Fact]
    public async Task Reading_without_stream_or_group_recreates_them_and_reads_from_the_start()
    {
        var queue = new OrderQueue(redis.Redis);
        Assert.Empty((await queue.ReadNewAsync("p1", 10)).Entries);

        await redis.Database.KeyDeleteAsync(RedisKeys.Orders);
        Assert.Equal(0, await queue.PendingCountAsync());
        Assert.Empty((await queue.ReadPendingAsync("p1", "0-0", 10)).Entries);
        await redis.Database.StreamAddAsync(RedisKeys.Orders, "id", "o1");

        var read = Assert.Single((await queue.ReadNewAsync("p1", 10)).Entries);
        Assert.Equal("o1", (string?)read["id"]);
        Assert.Equal(1, await queue.PendingCountAsync());
    }

    [Fact]
    public async Task Acknowledging_removes_the_entry_and_its_pending_reference()
    {
        var queue = new OrderQueue(redis.Redis);
        await queue.EnsureGroupAsync();
        await redis.Database.StreamAddAsync(RedisKeys.Orders, "id", "o1");
        var entries = (await queue.ReadNewAsync("p1", 10)).Entries;

        Assert.Equal(0, await queue.AcknowledgeAsync([]));
        Assert.Equal(1, await queue.AcknowledgeAsync([.. entries.Select(e => e.Id)]));

        Assert.Equal(0, await queue.PendingCountAsync());
        Assert.Equal(0, await redis.Database.StreamLengthAsync(RedisKeys.Orders));
    }

    [Fact]
    public async Task A_consumer_is_removed_only_while_it_holds_no_pending_entries()
    {
        // XGROUP DELCONSUMER would drop the entries a consumer holds, and a dropped entry is never delivered again.
        var queue = new OrderQueue(redis.Redis);
        await queue.EnsureGroupAsync();
        await redis.Database.StreamAddAsync(RedisKeys.Orders, "id", "o1");
        var held = Assert.Single((await queue.ReadNewAsync("dead-silo/0", 10)).Entries);
        Assert.Empty((await queue.ReadNewAsync("idle-silo/0", 10)).Entries);

        Assert.False(await queue.RemoveConsumerIfIdleAsync("dead-silo/0"));
        Assert.True(await queue.RemoveConsumerIfIdleAsync("idle-silo/0"));

        var consumer = Assert.Single(await queue.ConsumersAsync());
        Assert.Equal("dead-silo/0", (string?)consumer.Name);
        Assert.Equal(1, consumer.PendingMessageCount);
        var (claim, _, _) = await queue.ClaimIdleAsync("live-silo/0", TimeSpan.Zero, "0-0", 10);
        Assert.Equal(held.Id, Assert.Single(claim.ClaimedEntries).Id);

        // Once its entries were claimed it holds none, and goes.
        Assert.True(await queue.RemoveConsumerIfIdleAsync("dead-silo/0"));
        Assert.DoesNotContain(await queue.ConsumersAsync(), c => c.Name == "dead-silo/0");
    }
}
