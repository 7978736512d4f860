using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// CPU time the Redis process has used (INFO CPU: used_cpu_user + used_cpu_sys, every thread of the
/// process, RedisGears' included). Differences over a measurement give Redis CPU per order: what decides
/// the ceiling once the silos have cores of their own.
/// </summary>
public static class RedisCpu
{
    public static async Task<TimeSpan> ReadAsync(IConnectionMultiplexer redis)
    {
        var seconds = 0.0;
        foreach (var (name, value) in await RedisInfo.ReadAsync(redis, "cpu"))
        {
            if (name is "used_cpu_user" or "used_cpu_sys"
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var used))
            {
                seconds += used;
            }
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public static double? MicrosecondsPerOrder(TimeSpan before, TimeSpan after, long orders) =>
        orders > 0 ? Math.Round((after - before).TotalMicroseconds / orders, 1) : null;
}
