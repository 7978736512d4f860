using PopupStore.Core.Orders;
using PopupStore.Grains;

namespace PopupStore.Silo.Routing;

/// <summary>The order routers of the cluster's silos, as <see cref="RoutingDispatcher"/> reaches them.</summary>
internal interface IOrderRouters
{
    /// <summary>The answers to <paramref name="orders"/>, in their order, from the router of <paramref name="silo"/>.</summary>
    Task<RoutedAnswer[]> PlaceOrdersAsync(SiloAddress silo, IReadOnlyList<OrderRequest> orders);
}
