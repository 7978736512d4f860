using PopupStore.Core.Orders;

namespace PopupStore.Grains;

[GenerateSerializer, Alias("PopupStore.WebOrderState")]
public enum WebOrderState
{
    /// <summary>The order has its outcome.</summary>
    Decided,

    /// <summary>Written (now or before) and not answered within the wait.</summary>
    Pending,
}

/// <summary>What a customer grain says about a storefront order.</summary>
[GenerateSerializer, Immutable, Alias("PopupStore.WebOrderAnswer")]
public sealed record WebOrderAnswer(
    [property: Id(0)] WebOrderState State,
    [property: Id(1)] OrderResult? Result = null)
{
    public static WebOrderAnswer Decided(OrderResult result) => new(WebOrderState.Decided, result);

    public static WebOrderAnswer Pending { get; } = new(WebOrderState.Pending);
}
