using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

public static class Outcomes
{
    /// <summary>
    /// Waits until every order id has an outcome in the outcome streams; returns id -> its first outcome. Throws a
    /// <see cref="TimeoutException"/> naming the orders still unanswered when the time is up. (sale:answered is
    /// keyed by customer and order id; these tests know their orders by id.)
    /// </summary>
    public static async Task<Dictionary<string, string>> WaitForAsync(IConnectionMultiplexer redis, IReadOnlyList<string> orderIds, TimeSpan timeout)
    {
        var reader = new OutcomeReader(redis);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var answer in await reader.ReadAllAsync())
            {
                found.TryAdd(answer.OrderId, answer.Result.ToWire());
            }

            var missing = orderIds.Where(id => !found.ContainsKey(id)).ToList();
            if (missing.Count == 0)
            {
                return orderIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => found[id], StringComparer.Ordinal);
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"{missing.Count} of {orderIds.Count} orders had no outcome after {timeout}: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : string.Empty)}");
            }

            await Task.Delay(50);
        }
    }
}
