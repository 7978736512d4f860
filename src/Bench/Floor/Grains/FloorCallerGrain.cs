using Orleans.Placement;
using PopupStore.Core.Orders;

namespace PopupStore.Bench.Floor.Grains;

/// <summary>
/// Stands in for the order poller: builds each order, references the customer's grain by id (the grain type
/// resolved once, as the silo's <c>CustomerGrains</c> does), sends a batch and awaits every answer.
/// </summary>
[PreferLocalPlacement]
public sealed class FloorCallerGrain : Grain, IFloorCallerGrain
{
    public async Task<int> CallCustomers(string prefix, int customers, int batchSize, bool wait)
    {
        var probe = (GrainReference)(object)GrainFactory.GetGrain<IEmptyCustomerGrain>("type-probe");
        var (type, contract) = (probe.GrainId.Type, probe.InterfaceType);
        var calls = new Task<OrderOutcome>[batchSize];
        var answered = 0;
        for (var first = 0; first < customers; first += batchSize)
        {
            var count = Math.Min(batchSize, customers - first);
            for (var i = 0; i < count; i++)
            {
                var n = first + i;
                var customer = $"{prefix}-{n}";
                var order = new OrderRequest($"order-{prefix}-{n}", customer, string.Empty, $"{n + 1}-0", Generation: 1);
                var grain = (IEmptyCustomerGrain)GrainFactory.GetGrain(GrainId.Create(type, customer), contract);
                calls[i] = (wait ? grain.PlaceOrderAndWait(order) : grain.PlaceOrder(order)).AsTask();
            }

            for (var i = 0; i < count; i++)
            {
                if ((await calls[i]).Result == OrderResult.Complete)
                {
                    answered++;
                }
            }
        }

        return answered;
    }
}
