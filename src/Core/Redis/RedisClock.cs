using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>Redis' own clock, which dates every entry and decides every window: the reply of <c>TIME</c> in ms.</summary>
public static class RedisClock
{
    /// <summary>Milliseconds since the epoch from a <c>TIME</c> reply (seconds, microseconds).</summary>
    public static long Milliseconds(RedisResult time)
    {
        var clock = (RedisResult[])time!;
        return ((long)clock[0] * 1000) + ((long)clock[1] / 1000);
    }
}
