using System.Collections.Concurrent;

namespace PopupStore.Grains.Customers;

/// <summary>
/// The purchases of this silo's customers in the latest sale: what their grains know, kept outside them so that a
/// grain can leave once its order is answered (see <see cref="CustomerGrain"/>) and its customer's next order still
/// meets a grain that refuses a second unit before the Redis path. Written where a purchase is completed: by
/// <see cref="CustomerGrains.PlaceAsync(GrainId, PopupStore.Core.Orders.OrderRequest)"/> for an order a grain let
/// through, by the grain for one it completed itself; with orders routed to the silos their customers live on, both
/// are the customer's own silo, so this needs no message. Only the latest sale generation is kept, at most one entry
/// per unit sold.
/// </summary>
public sealed class PurchaseLedger
{
    private readonly ConcurrentDictionary<string, (long Generation, string OrderId)> _bought = new(StringComparer.Ordinal);
    private long _generation = long.MinValue;

    public int Count => _bought.Count;

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
