using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>Runs the completion script: the single place where outcomes are decided and stored.</summary>
public sealed class OrderCompleter(IConnectionMultiplexer redis) : IOrderCompletion
{
    public const int ValuesPerOrder = 8;

    private const string StaleAnswer = "stale";

    private static readonly RedisKey[] Keys =
    [
        RedisKeys.Product, RedisKeys.Sale, RedisKeys.Buyers, RedisKeys.Answered, RedisKeys.Counts,
        RedisKeys.Complete, RedisKeys.Rejected, RedisKeys.Customers,
    ];

    public async Task<OrderOutcome> CompleteAsync(OrderRequest order) =>
        (await CompleteManyAsync([order]))[0] ?? throw new SaleChangedException();

    /// <summary>
    /// Answers the orders in one script call; outcomes come back in the same order, null for an order
    /// read during another sale (nothing was written for it).
    /// </summary>
    public async Task<OrderOutcome?[]> CompleteManyAsync(IReadOnlyList<OrderRequest> orders)
    {
        var values = new RedisValue[orders.Count * ValuesPerOrder];
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var at = i * ValuesPerOrder;
            values[at] = order.OrderId;
            values[at + 1] = order.CustomerId;
            values[at + 2] = order.Ticket;
            values[at + 3] = order.EntryId;
            values[at + 4] = order.InvalidReason ?? string.Empty;
            values[at + 5] = order.Generation is { } generation ? generation : string.Empty;
            values[at + 6] = order.BoughtBefore ?? string.Empty;
            values[at + 7] = order.ReadAt is { } readAt ? readAt : string.Empty;
        }

        var result = (RedisResult[])(await PopupScripts.CompleteOrders.EvaluateAsync(redis.GetDatabase(), Keys, values))!;
        var outcomes = new OrderOutcome?[orders.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var answer = (string)result[2 * i]!;
            outcomes[i] = answer == StaleAnswer
                ? null
                : new OrderOutcome(OrderResults.FromWire(answer), (long)result[(2 * i) + 1] == 1);
        }

        return outcomes;
    }
}
