using Orleans.GrainDirectory;
using PopupStore.Core.Orders;
using PopupStore.Grains.Placement;
using PopupStore.Grains.Storefront;

namespace PopupStore.Grains.Orders;

/// <summary>
/// One buyer. Orders pass through it on their way to the completion script, and it enforces one unit per customer
/// before the Redis path: once its silo's <see cref="PurchaseLedger"/> holds a purchase of this customer in a sale, a
/// later order of the same sale is let through marked as bought, and the script answers it <c>duplicate</c> once
/// <c>sale:buyers</c> confirms the purchase (it still records that answer; <c>sale:buyers</c> stays the durable guard
/// and the only source of a duplicate: a grain on another silo, or after a silo restart, knows less, and a misled one
/// must not refuse a customer who never bought). The grain waits for the script
/// itself only for an order a storefront request waits on here; any other order is handed back for the caller to
/// complete in its batch, and the purchase goes to the ledger from there: waiting inside the grain's turn would cost
/// every order a second turn.
/// Once nothing waits on it, the activation leaves: what it knows is in the ledger, and an activation that lives for
/// one order is garbage the next young collection frees, where one kept for minutes is copied by it and the next.
/// Placed on the silo its customer ring names, where its directory entry is kept too (a directory of that silo's
/// own customers), so activating it sends no message to another silo; pollers send the orders of such customers
/// to that silo's router, one message per batch.
/// </summary>
[CustomerRingPlacement]
[GrainDirectory(GrainDirectoryName = LocalCustomerDirectory.Name)]
[CollectionAgeLimit(Minutes = 5)]
public sealed class CustomerGrain(WebOrderDesk webOrders, PurchaseLedger ledger)
    : Grain, ICustomerGrain
{
    private readonly WebOrderWaiters _webWaiters = new();

    // Storefront calls running here: they interleave with AdmitOrder, and one may not have registered its waiter yet.
    private int _webCalls;

    public async ValueTask<OrderAdmission> AdmitOrder(OrderRequest order)
    {
        // Only a purchase of the same sale generation counts: the ledger may still hold the last sale's. The buying
        // order itself, delivered again, replays its outcome. The ledger is keyed by the order's customer id, this
        // grain's key, which a stream order carries already parsed.
        if (order.Generation is { } sale && ledger.Find(order.CustomerId, sale) is { } bought && bought.OrderId != order.OrderId)
        {
            order = order with { BoughtBefore = bought.OrderId };
        }

        if (!_webWaiters.IsWaitingFor(order.OrderId))
        {
            LeaveWhenIdle();
            return OrderAdmission.Forward(order);
        }

        var outcome = await ledger.CompleteAsync(order);
        _webWaiters.Answer(order.OrderId, outcome.Result);
        LeaveWhenIdle();
        return OrderAdmission.Decided(outcome);
    }

    public async ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order)
    {
        // A storefront order has no generation yet: the ledger's is the latest sale's, and the desk checks it.
        var customer = this.GetPrimaryKeyString();
        var bought = ledger.Find(customer, generation: null);
        _webCalls++;
        try
        {
            return await webOrders.PlaceAsync(customer, order, bought?.Generation, bought?.OrderId, _webWaiters);
        }
        finally
        {
            _webCalls--;
            LeaveWhenIdle();
        }
    }

    // Orleans deactivates once the running calls finish, and an order arriving meanwhile waits for that before it
    // activates the customer again: so not while a storefront call runs here, whose order would wait on the call and
    // the call on its order. A request still waiting for its order (an answer left pending) keeps the grain too.
    private void LeaveWhenIdle()
    {
        if (_webCalls == 0 && !_webWaiters.Any)
        {
            DeactivateOnIdle();
        }
    }
}
