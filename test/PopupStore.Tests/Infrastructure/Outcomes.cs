using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

public static class Outcomes
{
    /// <summary>Waits until every order id has an outcome in sale:answered; returns id -> outcome.</summary>
    public static async Task<Dictionary<string, string>> WaitForAsync(IConnectionMultiplexer redis, IReadOnlyList<string> orderIds, TimeSpan timeout)
    {
        var db = redis.GetDatabase();
        var deadline = DateTime.UtcNow + timeout;
        var keys = orderIds.Select(id => (RedisValue)id).ToArray();
        while (true)
        {
            var values = await db.HashGetAsync(RedisKeys.Answered, keys);
            if (values.All(v => v.HasValue) || DateTime.UtcNow >= deadline)
            {
                return orderIds.Zip(values)
                    .Where(pair => pair.Second.HasValue)
                    .ToDictionary(pair => pair.First, pair => (string)pair.Second!);
            }

            await Task.Delay(50);
        }
    }
}
