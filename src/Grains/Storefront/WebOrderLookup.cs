using PopupStore.Core.Orders;

namespace PopupStore.Grains.Storefront;

/// <summary>What Redis knows about a customer's order: whether the storefront took it, its outcome if answered.</summary>
public sealed record WebOrderLookup(bool Taken, OrderResult? Result)
{
    public bool Known => Taken || Result is not null;
}
