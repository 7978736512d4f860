using System.Collections.Concurrent;
using PopupStore.Core.Orders;

namespace PopupStore.Grains.Orders;

/// <summary>
/// The purchases of this silo's customers in the latest sale: what their grains know, kept outside them so that a
/// grain can leave once its order is answered (see <see cref="CustomerGrain"/>) and its customer's next order still
/// meets a grain that refuses a second unit before the Redis path. Written by <see cref="CompleteAsync"/>, the one
/// place an admitted order is completed, whether the grain completes it or the batch it was handed back to; orders are
/// routed to the silos their customers live on, so that is the customer's own silo and needs no message. Only the
/// latest sale generation is kept, at most one entry per unit sold.
/// </summary>
public sealed class PurchaseLedger(IOrderCompletion completion)
{
    private readonly ConcurrentDictionary<string, (long Generation, string OrderId)> _bought = new(StringComparer.Ordinal);
    private long _generation = long.MinValue;

    public int Count => _bought.Count;

    /// <summary>Completes an order its customer's grain admitted, and records it here if it bought the unit.</summary>
    public async Task<OrderOutcome> CompleteAsync(OrderRequest admitted)
    {
        // Callers may be a grain or a scheduler serving many orders: nothing after this await touches grain state.
        var outcome = await completion.CompleteAsync(admitted).ConfigureAwait(false);
        if (outcome.Result == OrderResult.Complete && admitted.Generation is { } generation)
        {
            Record(admitted.CustomerId, generation, admitted.OrderId);
        }

        return outcome;
    }

    public void Record(string customerId, long generation, string orderId)
    {
        var latest = Interlocked.Read(ref _generation);
        if (generation < latest)
        {
            return;
        }

        // A new sale: the last one's purchases say nothing about it. A purchase recorded by another thread while
        // this clears may go with them; that grain then refuses less, and the script still refuses the second unit.
        if (generation > latest && Interlocked.CompareExchange(ref _generation, generation, latest) == latest)
        {
            _bought.Clear();
        }

        _bought[customerId] = (generation, orderId);
    }

    /// <summary>The purchase of this customer in <paramref name="generation"/> (in the ledger's sale, when null).</summary>
    public (long Generation, string OrderId)? Find(string customerId, long? generation) =>
        _bought.TryGetValue(customerId, out var purchase) && (generation is null || purchase.Generation == generation)
            ? purchase
            : null;
}
