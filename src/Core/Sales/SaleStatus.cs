namespace PopupStore.Core.Sales;

/// <summary>A sale as Redis holds it now. Times are milliseconds since the epoch, on Redis' clock.</summary>
public sealed record SaleStatus(
    bool Exists,
    long Units,
    long Available,
    long Sold,
    IReadOnlyDictionary<string, long> Rejected,
    long OpensAt,
    long ClosesAt,
    long Now,
    long OrdersWaiting,
    long CustomersWaiting,
    long Pending)
{
    public string State => !Exists ? "none"
        : Now < OpensAt ? "scheduled"
        : Now >= ClosesAt || ExplicitlyClosed ? "closed"
        : Available <= 0 ? "sold-out"
        : "open";

    public bool ExplicitlyClosed { get; init; }

    public TimeSpan TimeLeft => Exists && Now < ClosesAt && !ExplicitlyClosed
        ? TimeSpan.FromMilliseconds(ClosesAt - Math.Max(Now, OpensAt))
        : TimeSpan.Zero;

    public long RejectedTotal => Rejected.Values.Sum();
}
