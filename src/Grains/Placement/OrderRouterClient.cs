using Orleans.Runtime.Services;
using PopupStore.Core.Orders;
using PopupStore.Grains;

namespace PopupStore.Grains.Placement;

/// <summary>Reaches the order router of a given silo.</summary>
public sealed class OrderRouterClient(IServiceProvider services) : GrainServiceClient<IOrderRouterService>(services)
{
    internal Task<RoutedAnswer[]> PlaceOrdersAsync(SiloAddress silo, IReadOnlyList<OrderRequest> orders) =>
        GetGrainService(silo).PlacePackedOrders(PackedOrders.Pack(orders));
}
