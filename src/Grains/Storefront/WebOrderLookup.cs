using PopupStore.Core.Orders;

namespace PopupStore.Grains.Storefront;

/// <summary>What Redis knows about an order id: its customer if the storefront took it, its outcome if answered.</summary>
public sealed record WebOrderLookup(string? Customer, OrderResult? Result)
{
    public bool Known => Customer is not null || Result is not null;
}
