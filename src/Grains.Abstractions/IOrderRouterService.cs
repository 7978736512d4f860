using Orleans.Services;

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
}
