using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

public static class Outcomes
{
    /// <summary>
    /// Waits until every order id has an outcome in sale:answered; returns id -> outcome. Throws a
    /// <see cref="TimeoutException"/> naming the orders still unanswered when the time is up.
    /// </summary>
    public static async Task<Dictionary<string, string>> WaitForAsync(IConnectionMultiplexer redis, IReadOnlyList<string> orderIds, TimeSpan timeout)
    {
        var db = redis.GetDatabase();
        var deadline = DateTime.UtcNow + timeout;
        var keys = orderIds.Select(id => (RedisValue)id).ToArray();
        while (true)
        {
            var values = await db.HashGetAsync(RedisKeys.Answered, keys);
            if (values.All(v => v.HasValue))
            {
                return orderIds.Zip(values).ToDictionary(pair => pair.First, pair => (string)pair.Second!);
            }

            if (DateTime.UtcNow >= deadline)
            {
                var missing = orderIds.Zip(values).Where(pair => !pair.Second.HasValue).Select(pair => pair.First).ToList();
                throw new TimeoutException(
                    $"{missing.Count} of {orderIds.Count} orders had no outcome after {timeout}: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : string.Empty)}");
            }

            await Task.Delay(50);
        }
    }
}
