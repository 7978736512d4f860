using Orleans.GrainDirectory;
using PopupStore.Core.Orders;
using PopupStore.Grains.Placement;
using PopupStore.Grains.WebOrders;

namespace PopupStore.Grains.Customers;

/// <summary>
/// One buyer. Its orders are answered one after another, and it enforces one unit per customer before
/// the Redis path: once it has seen this customer buy in a sale, a later order of the same sale is
/// answered <c>duplicate</c> without a stock decision. The script still records that answer (so each
/// order keeps exactly one outcome) and <c>sale:buyers</c> stays the durable guard: a second activation
/// of this grain, or a lost one, knows less, never more, and can never sell a second unit.
/// Placed on the silo its customer ring names, where its directory entry is kept too (a directory of that silo's
/// own customers), so activating it sends no message to another silo; pollers send the orders of such customers
/// to that silo's router, one message per batch.
/// </summary>
[CustomerRingPlacement]
[GrainDirectory(GrainDirectoryName = LocalCustomerDirectory.Name)]
[CollectionAgeLimit(Minutes = 5)]
public sealed class CustomerGrain(IOrderCompletion completion, WebOrderDesk webOrders) : Grain, ICustomerGrain
{
    private readonly WebOrderWaiters _webWaiters = new();
    private Purchase? _purchase;

    public async ValueTask<OrderOutcome> PlaceOrder(OrderRequest order)
    {
        // Only a purchase of the same sale generation counts: a grain that outlived a reset knows
        // nothing about the new sale. The buying order itself, delivered again, replays its outcome.
        if (_purchase is { } purchase && order.Generation == purchase.Generation && order.OrderId != purchase.OrderId)
        {
            order = order with { BoughtBefore = purchase.OrderId };
        }

        var outcome = await completion.CompleteAsync(order);
        if (outcome.Result == OrderResult.Complete && order.Generation is { } generation)
        {
            _purchase = new Purchase(generation, order.OrderId);
        }

        _webWaiters.Answer(order.OrderId, outcome.Result);
        return outcome;
    }

    public ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order) =>
        webOrders.PlaceAsync(this.GetPrimaryKeyString(), order, _purchase?.Generation, _purchase?.OrderId, _webWaiters);

    private readonly record struct Purchase(long Generation, string OrderId);
}
