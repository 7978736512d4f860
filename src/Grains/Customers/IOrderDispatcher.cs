using PopupStore.Core.Orders;

namespace PopupStore.Grains.Customers;

/// <summary>Hands orders to their customer grains: one task per order, in the same order.</summary>
public interface IOrderDispatcher
{
    Task<OrderOutcome>[] Dispatch(IReadOnlyList<OrderRequest> orders);
}
