using Orleans.GrainDirectory;
using PopupStore.Core.Orders;
using PopupStore.Grains.Placement;
using PopupStore.Grains.WebOrders;

namespace PopupStore.Grains.Customers;

/// <summary>
/// One buyer. Orders pass through it on their way to the completion script, and it enforces one unit per customer
/// before the Redis path: once it knows its customer bought in a sale, a later order of the same sale is let through
/// marked as bought, and the script answers it <c>duplicate</c> without a stock decision (it still records that
/// answer; <c>sale:buyers</c> stays the durable guard: a second activation of this grain, or a lost one, knows less,
/// never more, and can never sell a second unit). The grain waits for the script itself only for an order a
/// storefront request waits on here; any other order is handed back for the caller to complete in its batch, and the
/// purchase comes back to the grain through its silo's <see cref="PurchaseLedger"/>: waiting inside the grain's turn
/// would cost every order a second turn (README, "Benchmark").
/// Placed on the silo its customer ring names, where its directory entry is kept too (a directory of that silo's
/// own customers), so activating it sends no message to another silo; pollers send the orders of such customers
/// to that silo's router, one message per batch.
/// </summary>
[CustomerRingPlacement]
[GrainDirectory(GrainDirectoryName = LocalCustomerDirectory.Name)]
[CollectionAgeLimit(Minutes = 5)]
public sealed class CustomerGrain(IOrderCompletion completion, WebOrderDesk webOrders, PurchaseLedger ledger) : Grain, ICustomerGrain
{
    private readonly WebOrderWaiters _webWaiters = new();
    private Purchase? _purchase;

    public async ValueTask<OrderAdmission> AdmitOrder(OrderRequest order)
    {
        LearnPurchase(order.CustomerId, order.Generation);

        // Only a purchase of the same sale generation counts: a grain that outlived a reset knows
        // nothing about the new sale. The buying order itself, delivered again, replays its outcome.
        if (_purchase is { } purchase && order.Generation == purchase.Generation && order.OrderId != purchase.OrderId)
        {
            order = order with { BoughtBefore = purchase.OrderId };
        }

        if (!_webWaiters.IsWaitingFor(order.OrderId))
        {
            return OrderAdmission.Forward(order);
        }

        var outcome = await completion.CompleteAsync(order);
        if (outcome.Result == OrderResult.Complete && order.Generation is { } generation)
        {
            _purchase = new Purchase(generation, order.OrderId);
        }

        _webWaiters.Answer(order.OrderId, outcome.Result);
        return OrderAdmission.Decided(outcome);
    }

    public ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order)
    {
        var customer = this.GetPrimaryKeyString();
        LearnPurchase(customer, generation: null);
        return webOrders.PlaceAsync(customer, order, _purchase?.Generation, _purchase?.OrderId, _webWaiters);
    }

    // A purchase completed for an order this grain let through (by the caller, on this silo) waits in the ledger
    // until the grain's next order takes it. A storefront order has no generation yet: the ledger's is the latest sale's.
    // The ledger is keyed by the order's customer id, this grain's key, which a stream order carries already parsed.
    private void LearnPurchase(string customerId, long? generation)
    {
        if (_purchase is { } known && (generation is null || known.Generation == generation))
        {
            return;
        }

        if (ledger.Take(customerId, generation) is { } bought)
        {
            _purchase = new Purchase(bought.Generation, bought.OrderId);
        }
    }

    private readonly record struct Purchase(long Generation, string OrderId);
}
