using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>One section of Redis' INFO as its <c>name:value</c> lines.</summary>
public static class RedisInfo
{
    public static async Task<IEnumerable<(string Name, string Value)>> ReadAsync(IConnectionMultiplexer redis, string section)
    {
        // Through the database, not IServer: the bench's connection is not an admin one.
        var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", section) ?? string.Empty;
        return Lines(info);
    }

    public static IEnumerable<(string Name, string Value)> Lines(string info) =>
        info.Split('\n', StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], parts[1]));
}
