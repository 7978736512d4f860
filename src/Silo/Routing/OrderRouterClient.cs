using Orleans.Runtime.Services;
using PopupStore.Core.Orders;
using PopupStore.Grains;

namespace PopupStore.Silo.Routing;

/// <summary>Reaches the order router of a given silo.</summary>
internal sealed class OrderRouterClient(IServiceProvider services) : GrainServiceClient<IOrderRouterService>(services), IOrderRouters
{
    public Task<RoutedAnswer[]> PlaceOrdersAsync(SiloAddress silo, IReadOnlyList<OrderRequest> orders) =>
        GetGrainService(silo).PlacePackedOrders(PackedOrders.Pack(orders));
}
