using Orleans.Concurrency;
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

    /// <summary>
    /// Takes a storefront order and holds the call until its outcome (or the wait ends). Interleaves:
    /// the outcome comes through <see cref="PlaceOrder"/> on this same grain, which must run meanwhile.
    /// </summary>
    [Alias("PlaceWebOrder"), AlwaysInterleave]
    ValueTask<WebOrderAnswer> PlaceWebOrder(WebOrder order);
}
