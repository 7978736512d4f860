using Orleans.Services;
using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// One per silo (a grain service): takes the orders of a batch whose customers live on this silo and hands
/// each to its customer grain here. A poller sends one message per silo per batch instead of one per order.
/// </summary>
[Alias("PopupStore.IOrderRouterService")]
public interface IOrderRouterService : IGrainService
{
    [Alias("PlaceOrders")]
    Task<RoutedAnswer[]> PlaceOrders(OrderRequest[] orders);
}
