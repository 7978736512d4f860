using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>Runs the completion script for one order: the single place where outcomes are decided and stored.</summary>
public sealed class OrderCompleter(IConnectionMultiplexer redis)
{
    private static readonly RedisKey[] Keys =
    [
        RedisKeys.Product, RedisKeys.Sale, RedisKeys.Buyers, RedisKeys.Answered, RedisKeys.Counts,
        RedisKeys.Complete, RedisKeys.Rejected, RedisKeys.Customers,
    ];

    public async Task<OrderOutcome> CompleteAsync(OrderRequest order)
    {
        var result = await PopupScripts.CompleteOrder.EvaluateAsync(
            redis.GetDatabase(),
            Keys,
            [order.OrderId, order.CustomerId, order.Ticket, order.EntryId, order.InvalidReason ?? string.Empty]);
        var parts = (RedisResult[])result!;
        return new OrderOutcome(OrderResults.FromWire((string)parts[0]!), (long)parts[1] == 1);
    }
}
