using PopupStore.Core.Outcomes;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>Outcomes read from the outcome streams by the order's identity, its customer and its order id.</summary>
public static class Answers
{
    public static async Task<AnsweredOrder?> FindAsync(IConnectionMultiplexer redis, string customer, string order) =>
        (await new OutcomeReader(redis).ReadAllAsync()).FirstOrDefault(a => a.CustomerId == customer && a.OrderId == order);

    public static async Task<AnsweredOrder> WaitAsync(IConnectionMultiplexer redis, string customer, string order, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await FindAsync(redis, customer, order) is { } answer)
            {
                return answer;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"order {order} of {customer} was not answered within {timeout}");
    }
}
