using Orleans.Runtime.Services;
using PopupStore.Core.Orders;
using PopupStore.Grains;
using PopupStore.Grains.Orders;

namespace PopupStore.Grains.Placement;

/// <summary>
/// This silo's order router: answers the part of another silo's batch whose customers live here, by
/// calling those customer grains locally. Each order's failure travels back with it, so the poller
/// treats it exactly as if it had called the grain itself.
/// </summary>
internal sealed class OrderRouterService(GrainId id, Orleans.Runtime.Silo silo, ILoggerFactory loggerFactory, CustomerGrains customers)
    : GrainService(id, silo, loggerFactory), IOrderRouterService
{
    public Task<RoutedAnswer[]> PlacePackedOrders(PackedOrders orders) => PlaceOrders(orders.Unpack());

    private async Task<RoutedAnswer[]> PlaceOrders(OrderRequest[] orders)
    {
        var calls = new Task<OrderOutcome>[orders.Length];
        for (var i = 0; i < orders.Length; i++)
        {
            calls[i] = customers.PlaceAsync(orders[i]);
        }

        var answers = new RoutedAnswer[orders.Length];
        for (var i = 0; i < orders.Length; i++)
        {
            try
            {
                answers[i] = new RoutedAnswer(await calls[i]);
            }
            catch (Exception ex)
            {
                // One order's failure, a cancelled call included, is that order's answer; the rest of the batch is answered.
                answers[i] = new RoutedAnswer(default, FailureCause.TypeName(ex), ex.Message, FailureCause.IsOutsideTheEntry(ex));
            }
        }

        return answers;
    }
}
