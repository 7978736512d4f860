namespace PopupStore.Core.Sales;

/// <summary>
/// What a start did: <see cref="Started"/> is false when a sale already existed and was kept. Times are
/// milliseconds since the epoch on Redis' clock; <see cref="Now"/> is when the start ran.
/// </summary>
public sealed record SaleStartResult(bool Started, long Units, long OpensAt, long ClosesAt)
{
    public TimeSpan Duration => TimeSpan.FromMilliseconds(ClosesAt - OpensAt);

    /// <summary>When an operator closed the kept sale, if one did.</summary>
    public long? ClosedAt { get; init; }

    public bool ExplicitlyClosed { get; init; }

    public long Now { get; init; }

    /// <summary>A kept sale that takes no more orders: closed by an operator or past its window.</summary>
    public bool IsOver => !Started && (ExplicitlyClosed || Now >= ClosesAt);
}
