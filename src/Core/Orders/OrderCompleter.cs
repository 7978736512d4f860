using PopupStore.Core.Durability;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// Runs the completion script: the single place where outcomes are decided and stored, and, while answers must be
/// durable, confirmed on replicas before anyone is told (<see cref="AnswerDurability"/>).
/// </summary>
public sealed class OrderCompleter(IConnectionMultiplexer redis, AnswerDurability? durability = null) : IOrderCompletion
{
    public const int ValuesPerOrder = 9;

    /// <summary>Values before the orders: the good replicas required of the primary, and how stale one may be.</summary>
    public const int HeaderValues = 2;

    /// <summary>A replica that has not acknowledged for longer is not a good one (Redis' own min-replicas-max-lag default).</summary>
    public const int ReplicaMaxLagSeconds = 10;

    private const string StaleAnswer = "stale";

    /// <summary>An order left in queue:orders behind earlier arrivals that could take the units left; answered later.</summary>
    private const string QueuedAnswer = "queued";
    private const string StorefrontSource = "web";

    private static readonly RedisKey[] Keys =
    [
        RedisKeys.Product, RedisKeys.Sale, RedisKeys.Buyers, RedisKeys.Answered, RedisKeys.Counts,
        RedisKeys.Complete, RedisKeys.Rejected, RedisKeys.Customers, RedisKeys.Confirmed, RedisKeys.WebOrders, RedisKeys.Orders,
    ];

    public async Task<OrderOutcome> CompleteAsync(OrderRequest order)
    {
        var decided = await DecideManyAsync([order]);
        await decided.Confirmation;
        return decided.Outcomes[0] ?? throw (decided.Queued[0] ? new OrderQueuedException() : new SaleChangedException());
    }

    /// <summary>
    /// Answers the orders in one script call; outcomes come back in the same order, null for an order
    /// read during another sale (nothing was written for it) and for an order left in queue:orders behind earlier
    /// arrivals that could take the units left (or, a storefront order, by an earlier call that failed half way).
    /// They are confirmed before they are returned.
    /// </summary>
    public async Task<OrderOutcome?[]> CompleteManyAsync(IReadOnlyList<OrderRequest> orders)
    {
        var decided = await DecideManyAsync(orders);
        await decided.Confirmation;
        return decided.Outcomes;
    }

    /// <summary>
    /// Runs the script for the orders and returns their outcomes at once, with the confirmation that must complete
    /// before anyone is told them (already complete while answers are not durable). Lets a caller that limits its
    /// script calls in flight free its slot while replicas catch up.
    /// </summary>
    /// <returns>The outcomes (null where not decided) and, for each order, whether it waits behind earlier arrivals.</returns>
    public async Task<(OrderOutcome?[] Outcomes, bool[] Queued, Task Confirmation)> DecideManyAsync(IReadOnlyList<OrderRequest> orders)
    {
        var values = new RedisValue[HeaderValues + (orders.Count * ValuesPerOrder)];
        values[0] = durability?.RequiredReplicas ?? 0;
        values[1] = ReplicaMaxLagSeconds;
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var at = HeaderValues + (i * ValuesPerOrder);
            values[at] = order.OrderId;
            values[at + 1] = order.CustomerId;
            values[at + 2] = order.Ticket;
            values[at + 3] = order.EntryId;
            values[at + 4] = order.InvalidReason ?? string.Empty;
            values[at + 5] = order.Generation is { } generation ? generation : string.Empty;
            values[at + 6] = order.BoughtBefore ?? string.Empty;
            values[at + 7] = order.ReadAt is { } readAt ? readAt : string.Empty;
            values[at + 8] = order.FromStorefront ? StorefrontSource : string.Empty;
        }

        var result = (RedisResult[])(await PopupScripts.CompleteOrders.EvaluateAsync(redis.GetDatabase(), Keys, values))!;

        // Outcomes replayed from an earlier call are confirmed too: the call that wrote them may still be waiting.
        var confirmation = durability is null
            ? Task.CompletedTask
            : durability.ConfirmAsync(result.Length > 2 * orders.Count ? (string?)result[^1] : null).AsTask();

        var outcomes = new OrderOutcome?[orders.Count];
        var queued = new bool[orders.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var answer = (string)result[2 * i]!;
            queued[i] = answer == QueuedAnswer;
            outcomes[i] = answer is StaleAnswer or QueuedAnswer
                ? null
                : new OrderOutcome(OrderResults.FromWire(answer), (long)result[(2 * i) + 1] == 1);
        }

        return (outcomes, queued, confirmation);
    }
}
