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
    /// <summary>A batch packed into one byte array; the answers in the batch's order.</summary>
    [Alias("PlacePackedOrders")]
    Task<RoutedAnswer[]> PlacePackedOrders(PackedOrders orders);

    /// <summary>
    /// The same for a batch as silos before <see cref="PackedOrders"/> send it: kept so that a cluster in the
    /// middle of an upgrade still answers every routed order.
    /// </summary>
    [Alias("PlaceOrders")]
    Task<RoutedAnswer[]> PlaceOrders(OrderRequest[] orders);
}
