namespace PopupStore.Core.Orders;

/// <summary>Answers orders through the completion script.</summary>
public interface IOrderCompletion
{
    Task<OrderOutcome> CompleteAsync(OrderRequest order);
}
