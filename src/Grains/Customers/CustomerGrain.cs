using Orleans.Placement;
using PopupStore.Core.Orders;
using PopupStore.Grains.WebOrders;

namespace PopupStore.Grains.Customers;

/// <summary>
/// Serializes one customer's orders and remembers a purchase it has seen. The remembered purchase is
/// only a shortcut for logs and stats: the completion script's sale:buyers guard is what decides,
/// so a second activation of this grain (or a lost one) can never sell a second unit.
/// Placed on the silo of the poller that first calls it: a customer's orders are then answered without a
/// network hop, and a second order read by another silo still finds this activation.
/// </summary>
[PreferLocalPlacement]
[CollectionAgeLimit(Minutes = 5)]
public sealed class CustomerGrain(IOrderCompletion completion, WebOrderDesk webOrders) : Grain, ICustomerGrain
{
    private readonly WebOrderWaiters _webWaiters = new();
    private string? _boughtWith;

    public async ValueTask<OrderOutcome> PlaceOrder(OrderRequest order)
    {
        var outcome = await completion.CompleteAsync(order);
        if (outcome.Result == OrderResult.Complete)
        {
            _boughtWith ??= order.OrderId;
        }

        _webWaiters.Answer(order.OrderId, outcome.Result);
        return outcome;
    }

    public async ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order)
    {
        var answer = await webOrders.PlaceAsync(this.GetPrimaryKeyString(), order, _boughtWith, _webWaiters);
        if (answer.Result == OrderResult.Complete)
        {
            _boughtWith ??= order.OrderId;
        }

        return answer;
    }
}
