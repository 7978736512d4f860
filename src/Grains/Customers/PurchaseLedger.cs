using System.Collections.Concurrent;

namespace PopupStore.Grains.Customers;

/// <summary>
/// The purchases this silo completed for customer grains that let the order through (see
/// <see cref="CustomerGrains.PlaceAsync(GrainId, PopupStore.Core.Orders.OrderRequest)"/>), until each customer's grain
/// takes its own: how a grain that did not wait for the script still learns that its customer bought, and refuses a
/// second unit before the Redis path. With orders routed to the silos their customers live on, the batch is completed
/// on the grain's own silo, so this needs no message. Only the latest sale generation is kept.
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

    /// <summary>
    /// The purchase of this customer in <paramref name="generation"/> (any, when null), removed from the ledger: the grain
    /// keeps it from now on. A purchase of another generation stays.
    /// </summary>
    public (long Generation, string OrderId)? Take(string customerId, long? generation)
    {
        if (!_bought.TryGetValue(customerId, out var purchase) || (generation is { } g && purchase.Generation != g))
        {
            return null;
        }

        return _bought.TryRemove(new KeyValuePair<string, (long, string)>(customerId, purchase)) ? purchase : null;
    }
}
