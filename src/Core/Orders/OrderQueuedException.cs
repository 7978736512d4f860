namespace PopupStore.Core.Orders;

/// <summary>
/// The order would take a unit that orders which arrived before it, still undecided, could take: it is not decided yet
/// and waits in queue:orders behind them (first come, first served). Nothing was written for it; it is read, or looked
/// up, again.
/// </summary>
[GenerateSerializer, Alias("PopupStore.OrderQueuedException")]
public sealed class OrderQueuedException : Exception
{
    public OrderQueuedException()
        : base("Earlier orders could still take the units left; the order waits behind them.")
    {
    }

    public OrderQueuedException(string message)
        : base(message)
    {
    }

    public OrderQueuedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
