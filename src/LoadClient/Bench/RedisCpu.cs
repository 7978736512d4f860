using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Bench;

/// <summary>
/// CPU time the Redis process has used (INFO CPU: used_cpu_user + used_cpu_sys, every thread of the
/// process, RedisGears' included). Differences over a measurement give Redis CPU per order: what decides
/// the ceiling once the silos have cores of their own.
/// </summary>
public static class RedisCpu
{
    public static async Task<TimeSpan> ReadAsync(IConnectionMultiplexer redis)
    {
        // Through the database, not IServer: the bench's connection is not an admin one.
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "cpu") ?? string.Empty;
        var seconds = 0.0;
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && parts[0] is "used_cpu_user" or "used_cpu_sys"
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                seconds += value;
            }
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public static double? MicrosecondsPerOrder(TimeSpan before, TimeSpan after, long orders) =>
        orders > 0 ? Math.Round((after - before).TotalMicroseconds / orders, 1) : null;
}
