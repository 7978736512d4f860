namespace PopupStore.Grains.Orders;

/// <summary>A customer grain's failure reported back by the order router of the silo it lives on.</summary>
public sealed class RoutedOrderException : Exception
{
    public RoutedOrderException(string originalType, string message, bool outsideTheEntry)
        : base(message)
    {
        OriginalType = originalType;
        OutsideTheEntry = outsideTheEntry;
    }

    public RoutedOrderException()
        : this(nameof(Exception), string.Empty, false)
    {
    }

    public RoutedOrderException(string message)
        : this(nameof(Exception), message, false)
    {
    }

    public RoutedOrderException(string message, Exception inner)
        : base(message, inner)
    {
        OriginalType = inner.GetType().Name;
    }

    /// <summary>The type name of the exception the customer grain threw.</summary>
    public string OriginalType { get; } = nameof(Exception);

    public bool OutsideTheEntry { get; }
}
