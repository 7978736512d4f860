using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// One buyer. Orders of the same customer are answered one after another, never in parallel, so a
/// crowd's double clicks queue here instead of racing in Redis.
/// </summary>
[Alias("PopupStore.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    [Alias("PlaceOrder")]
    ValueTask<OrderOutcome> PlaceOrder(OrderRequest order);
}
