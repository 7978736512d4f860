using System.Diagnostics;
using PopupStore.Core.Redis;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// Time from the primary's death to the first answer the new primary gave: the first outcome entry it holds that
/// is newer (on Redis' clock, the host's for every server here) than the moment the old primary was killed.
/// </summary>
public static class RecoveryClock
{
    /// <summary>Redis TIME on <paramref name="server"/> in milliseconds.</summary>
    public static async Task<long> NowAsync(IConnectionMultiplexer server) =>
        RedisClock.Milliseconds(await server.GetDatabase().ExecuteAsync("TIME"));

    /// <summary>Polls whichever server the Sentinels name until it holds an answer given after <paramref name="killedAtMs"/>.</summary>
    public static async Task<TimeSpan> FirstAnswerAfterAsync(ReplicatedRedis redis, RedisProcess old, long killedAtMs, Stopwatch sinceKill, TimeSpan timeout)
    {
        IConnectionMultiplexer? connection = null;
        RedisProcess? connectedTo = null;
        try
        {
            while (sinceKill.Elapsed < timeout)
            {
                try
                {
                    var primary = await redis.PrimaryAsync();
                    if (primary != old)
                    {
                        if (primary != connectedTo)
                        {
                            connection?.Dispose();
                            connection = await primary.ConnectAsync();
                            connectedTo = primary;
                        }

                        var db = connection!.GetDatabase();
                        foreach (var stream in new[] { RedisKeys.Complete, RedisKeys.Rejected })
                        {
                            var last = await db.StreamRangeAsync(stream, "-", "+", count: 1, messageOrder: Order.Descending);
                            if (last.Length == 1 && StreamIds.Milliseconds(last[0].Id.ToString()) > killedAtMs)
                            {
                                return sinceKill.Elapsed;
                            }
                        }
                    }
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
                {
                }

                await Task.Delay(50);
            }

            throw new TimeoutException($"the new primary gave no answer within {timeout} of the kill");
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
