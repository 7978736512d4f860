using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>queue:orders seen as the consumer group <c>popup</c>: read, re-read, claim, acknowledge.</summary>
public sealed class OrderQueue(IConnectionMultiplexer redis)
{
    private IDatabase Database => redis.GetDatabase();

    /// <summary>Creates the group at the start of the stream, so orders written before any silo ran are answered too.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another silo (or an earlier start) created it: that is the normal case.
        }
    }

    public Task<StreamEntry[]> ReadNewAsync(string consumer, int count) =>
        WithGroupAsync(() => Database.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, StreamPosition.NewMessages, count));

    /// <summary>This consumer's own delivered-but-unacknowledged entries after <paramref name="afterId"/>.</summary>
    public Task<StreamEntry[]> ReadPendingAsync(string consumer, string afterId, int count) =>
        WithGroupAsync(() => Database.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, afterId, count));

    public Task<StreamAutoClaimResult> ClaimIdleAsync(string consumer, TimeSpan minIdle, string startId, int count) =>
        WithGroupAsync(() => Database.StreamAutoClaimAsync(
            RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, (long)minIdle.TotalMilliseconds, startId, count));

    public async Task<long> AcknowledgeAsync(IReadOnlyCollection<RedisValue> entryIds)
    {
        if (entryIds.Count == 0)
        {
            return 0;
        }

        var values = new RedisValue[entryIds.Count + 1];
        values[0] = RedisKeys.ConsumerGroup;
        var i = 1;
        foreach (var id in entryIds)
        {
            values[i++] = id;
        }

        var result = (RedisResult[])(await PopupScripts.AckOrders.EvaluateAsync(Database, [RedisKeys.Orders], values))!;
        return (long)result[0];
    }

    public async Task<long> PendingCountAsync()
    {
        try
        {
            var info = await Database.StreamPendingAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup);
            return info.PendingMessageCount;
        }
        catch (RedisServerException ex) when (IsMissingGroup(ex))
        {
            return 0;
        }
    }

    private async Task<T> WithGroupAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (RedisServerException ex) when (IsMissingGroup(ex))
        {
            // A forced sale start deletes the stream with its group; recreate and carry on.
            await EnsureGroupAsync();
            return await read();
        }
    }

    private static bool IsMissingGroup(RedisServerException ex) =>
        ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal)
        || ex.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase);
}
