using PopupStore.Core.Orders;

namespace PopupStore.Silo.Storefront;

public enum WebOrderState
{
    /// <summary>The order has its outcome.</summary>
    Decided,

    /// <summary>Not decided within the wait: the silo still holds it, or it waits in queue:orders.</summary>
    Pending,
}

/// <summary>What the storefront tells a buyer about an order.</summary>
public sealed record WebOrderAnswer(WebOrderState State, OrderResult? Result = null)
{
    public static WebOrderAnswer Decided(OrderResult result) => new(WebOrderState.Decided, result);

    public static WebOrderAnswer Pending { get; } = new(WebOrderState.Pending);
}
