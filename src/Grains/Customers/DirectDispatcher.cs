using PopupStore.Core.Orders;

namespace PopupStore.Grains.Customers;

/// <summary>One grain call per order, wherever the customer's grain lives.</summary>
public sealed class DirectDispatcher(IGrainFactory grains) : IOrderDispatcher
{
    public Task<OrderOutcome>[] Dispatch(IReadOnlyList<OrderRequest> orders)
    {
        var answers = new Task<OrderOutcome>[orders.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = grains.GetGrain<ICustomerGrain>(orders[i].CustomerId).PlaceOrder(orders[i]).AsTask();
        }

        return answers;
    }
}
