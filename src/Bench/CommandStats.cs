using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// Redis' own count and time of every command (INFO commandstats), commands run by scripts included. Over one crowd
/// it tells what a variant adds to Redis' work and how often: WAIT calls are the durable gate's confirmation rounds,
/// INFO calls its probes and the completion script's replica fence.
/// </summary>
public static class CommandStats
{
    public static async Task<IReadOnlyDictionary<string, (long Calls, long Microseconds)>> ReadAsync(IConnectionMultiplexer redis) =>
        Parse(await RedisInfo.ReadAsync(redis, "commandstats"));

    /// <summary>A replica's (the connection's first server, whatever its role).</summary>
    public static async Task<IReadOnlyDictionary<string, (long Calls, long Microseconds)>> ReadServerAsync(IServer server) =>
        Parse(RedisInfo.Lines(await server.InfoRawAsync("commandstats") ?? string.Empty));

    private static Dictionary<string, (long Calls, long Microseconds)> Parse(IEnumerable<(string Name, string Value)> lines)
    {
        var stats = new Dictionary<string, (long, long)>();
        foreach (var (name, value) in lines)
        {
            if (!name.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            // calls=12,usec=3456,usec_per_call=288.00,...
            long calls = 0, usec = 0;
            foreach (var field in value.Split(','))
            {
                var parts = field.Split('=', 2);
                if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    calls = parts[0] == "calls" ? number : calls;
                    usec = parts[0] == "usec" ? number : usec;
                }
            }

            stats[name["cmdstat_".Length..]] = (calls, usec);
        }

        return stats;
    }

    // Always shown when called: the durable gate's rounds (WAIT), its probes' and the fence's INFO, the replicas' acks.
    private static readonly string[] Watched = ["wait", "info", "replconf"];

    /// <summary>
    /// The commands Redis spent most time in between two readings, and the watched ones (WAIT, INFO, REPLCONF): calls
    /// per second and us per order.
    /// </summary>
    public static string Describe(
        IReadOnlyDictionary<string, (long Calls, long Microseconds)> before,
        IReadOnlyDictionary<string, (long Calls, long Microseconds)> after,
        TimeSpan elapsed,
        long orders,
        int top = 6)
    {
        var spent = after
            .Select(pair =>
            {
                var (calls, usec) = before.TryGetValue(pair.Key, out var was) ? was : (0, 0);
                return (Name: pair.Key, Calls: pair.Value.Calls - calls, Microseconds: pair.Value.Microseconds - usec);
            })
            .Where(c => c.Calls > 0)
            .OrderByDescending(c => c.Microseconds)
            .ToList();
        spent = [.. spent.Take(top), .. spent.Skip(top).Where(c => Watched.Contains(c.Name))];
        var seconds = Math.Max(0.001, elapsed.TotalSeconds);
        return string.Join(", ", spent.Select(c => string.Create(
            CultureInfo.InvariantCulture,
            $"{c.Name} {c.Calls / seconds:0}/s {(double)c.Microseconds / Math.Max(1, orders):0.00} us/order")));
    }
}
