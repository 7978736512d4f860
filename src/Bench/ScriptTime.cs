using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// Time Redis has spent running scripts (INFO commandstats: the usec of EVALSHA and EVAL), as Redis itself
/// times each call. Over a measurement of the script alone it is the script's own cost per order, without
/// the reading of requests and writing of replies that CPU time also holds, and steadier than it.
/// </summary>
public static class ScriptTime
{
    public static async Task<TimeSpan> ReadAsync(IConnectionMultiplexer redis)
    {
        long microseconds = 0;
        foreach (var (name, value) in await RedisInfo.ReadAsync(redis, "commandstats"))
        {
            if (name is not ("cmdstat_evalsha" or "cmdstat_eval"))
            {
                continue;
            }

            // calls=12,usec=3456,usec_per_call=288.00,...
            foreach (var field in value.Split(','))
            {
                if (field.StartsWith("usec=", StringComparison.Ordinal)
                    && long.TryParse(field.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
                {
                    microseconds += usec;
                }
            }
        }

        return TimeSpan.FromMicroseconds(microseconds);
    }
}
