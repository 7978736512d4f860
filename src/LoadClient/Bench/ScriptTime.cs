using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Bench;

/// <summary>
/// Time Redis has spent running scripts (INFO commandstats: the usec of EVALSHA and EVAL), as Redis itself
/// times each call. Over a measurement of the script alone it is the script's own cost per order, without
/// the reading of requests and writing of replies that CPU time also holds, and steadier than it.
/// </summary>
public static class ScriptTime
{
    public static async Task<TimeSpan> ReadAsync(IConnectionMultiplexer redis)
    {
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "commandstats") ?? string.Empty;
        long microseconds = 0;
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal) && !line.StartsWith("cmdstat_eval:", StringComparison.Ordinal))
            {
                continue;
            }

            // cmdstat_evalsha:calls=12,usec=3456,usec_per_call=288.00,...
            foreach (var field in line[(line.IndexOf(':') + 1)..].Split(','))
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
