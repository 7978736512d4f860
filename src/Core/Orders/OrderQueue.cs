using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>queue:orders seen as the consumer group <c>popup</c>: read, re-read, claim, acknowledge.</summary>
public sealed class OrderQueue(IConnectionMultiplexer redis)
{
    private const string GenerationField = "generation";

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

    public Task<OrderBatch> ReadNewAsync(string consumer, int count) =>
        WithGroupAsync(() => ReadWithGenerationAsync(tran =>
            tran.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, StreamPosition.NewMessages, count)));

    /// <summary>This consumer's own delivered-but-unacknowledged entries after <paramref name="afterId"/>.</summary>
    public Task<OrderBatch> ReadPendingAsync(string consumer, string afterId, int count) =>
        WithGroupAsync(() => ReadWithGenerationAsync(tran =>
            tran.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, afterId, count)));

    /// <summary>
    /// Claims entries idle longer than <paramref name="minIdle"/> in any consumer. On Redis 6.2 an entry
    /// deleted while pending comes back as a null entry without an id; see <see cref="StreamIds"/> users.
    /// </summary>
    public Task<(StreamAutoClaimResult Claim, long Generation, long ReadAt)> ClaimIdleAsync(string consumer, TimeSpan minIdle, string startId, int count) =>
        WithGroupAsync(async () =>
        {
            var tran = Database.CreateTransaction();
            var claim = tran.StreamAutoClaimAsync(
                RedisKeys.Orders, RedisKeys.ConsumerGroup, consumer, (long)minIdle.TotalMilliseconds, startId, count);
            var generation = tran.HashGetAsync(RedisKeys.Sale, GenerationField);
            var time = tran.ExecuteAsync("TIME");
            await tran.ExecuteAsync();
            return (await claim, ToGeneration(await generation), RedisClock.Milliseconds(await time));
        });

    private async Task<OrderBatch> ReadWithGenerationAsync(Func<ITransaction, Task<StreamEntry[]>> read)
    {
        // Redis' clock at the read: every entry read was written by then, whatever id its producer gave it, so an
        // entry dated later than this is judged as arriving at this instant (docs/design.md, judged by arrival).
        var tran = Database.CreateTransaction();
        var entries = read(tran);
        var generation = tran.HashGetAsync(RedisKeys.Sale, GenerationField);
        var time = tran.ExecuteAsync("TIME");
        await tran.ExecuteAsync();
        return new OrderBatch(await entries, ToGeneration(await generation), RedisClock.Milliseconds(await time));
    }

    private static long ToGeneration(RedisValue value) => value.TryParse(out long generation) ? generation : 0;

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

    /// <summary>The consumers of group popup with their pending counts and idle times.</summary>
    public async Task<StreamConsumerInfo[]> ConsumersAsync()
    {
        try
        {
            return await Database.StreamConsumerInfoAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup);
        }
        catch (RedisServerException ex) when (IsMissingGroup(ex))
        {
            return [];
        }
    }

    /// <summary>Removes a consumer that holds no pending entries (checked in the same step); true when removed.</summary>
    public async Task<bool> RemoveConsumerIfIdleAsync(string consumer)
    {
        var removed = await PopupScripts.RemoveConsumer.EvaluateAsync(
            Database, [RedisKeys.Orders], [RedisKeys.ConsumerGroup, consumer]);
        return (long)removed == 1;
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
