namespace PopupStore.Core.Orders;

/// <summary>
/// The order was read during another sale than the one Redis holds now (a reset or a new start came in
/// between). Nothing was written; the entry stays pending and is read again, under the current sale.
/// </summary>
[GenerateSerializer, Alias("PopupStore.SaleChangedException")]
public sealed class SaleChangedException : Exception
{
    public SaleChangedException()
        : base("The sale changed since the order was read; it is read again.")
    {
    }

    public SaleChangedException(string message)
        : base(message)
    {
    }

    public SaleChangedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
