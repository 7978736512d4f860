using Orleans.GrainDirectory;
using PopupStore.Core.Orders;
using PopupStore.Grains.Placement;

namespace PopupStore.Grains.Orders;

/// <summary>
/// One buyer. Orders read from queue:orders pass through it on their way to the completion script, and it enforces one
/// unit per customer before the Redis path: once its silo's <see cref="PurchaseLedger"/> holds a purchase of this
/// customer in a sale, a later order of the same sale is let through marked as bought, and the script answers it
/// <c>duplicate</c> once <c>sale:buyers</c> confirms the purchase (it still records that answer; <c>sale:buyers</c> stays
/// the durable guard and the only source of a duplicate: a grain on another silo, or after a silo restart, knows less,
/// and a misled one must not refuse a customer who never bought). The order is handed back for the caller to complete
/// in its batch, and the purchase goes to the ledger from there: waiting inside the grain's turn would cost every order
/// a second turn. Storefront orders do not pass here: the silo holding the request hands them to its completion batch.
/// The activation leaves after each order: what it knows is in the ledger, and an activation that lives for one order
/// is garbage the next young collection frees, where one kept for minutes is copied by it and the next.
/// Placed on the silo its customer ring names, where its directory entry is kept too (a directory of that silo's
/// own customers), so activating it sends no message to another silo; pollers send the orders of such customers
/// to that silo's router, one message per batch.
/// </summary>
[CustomerRingPlacement]
[GrainDirectory(GrainDirectoryName = LocalCustomerDirectory.Name)]
[CollectionAgeLimit(Minutes = 5)]
public sealed class CustomerGrain(PurchaseLedger ledger) : Grain, ICustomerGrain
{
    public ValueTask<OrderRequest> AdmitOrder(OrderRequest order)
    {
        // Only a purchase of the same sale generation counts: the ledger may still hold the last sale's. The buying
        // order itself, delivered again, replays its outcome. The ledger is keyed by the order's customer id, this
        // grain's key, which a stream order carries already parsed.
        if (order.Generation is { } sale && ledger.Find(order.CustomerId, sale) is { } bought && bought.OrderId != order.OrderId)
        {
            order = order with { BoughtBefore = bought.OrderId };
        }

        DeactivateOnIdle();
        return ValueTask.FromResult(order);
    }
}
