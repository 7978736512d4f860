using PopupStore.Core.Orders;

namespace PopupStore.Grains.Customers;

/// <summary>One grain call per order, wherever the customer's grain lives.</summary>
public sealed class DirectDispatcher(CustomerGrains customers) : IOrderDispatcher
{
    public Task<OrderOutcome>[] Dispatch(IReadOnlyList<OrderRequest> orders)
    {
        var answers = new Task<OrderOutcome>[orders.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = customers.PlaceAsync(orders[i]);
        }

        return answers;
    }
}
