namespace PopupStore.Core.Sales;

/// <summary>What a start did: <see cref="Started"/> is false when a sale already existed and was kept.</summary>
public sealed record SaleStartResult(bool Started, long Units, long OpensAt, long ClosesAt)
{
    public TimeSpan Duration => TimeSpan.FromMilliseconds(ClosesAt - OpensAt);
}
