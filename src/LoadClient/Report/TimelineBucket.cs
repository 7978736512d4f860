namespace PopupStore.LoadClient.Report;

/// <summary>
/// One bucket of the run's timeline, starting <paramref name="StartSecond"/> seconds after the first arrival: the orders
/// that arrived in it, the answers given in it by outcome, and the units left at its end.
/// </summary>
public sealed record TimelineBucket(
    double StartSecond,
    int Arrived,
    int Completed,
    int Duplicate,
    int SoldOut,
    int Closed,
    int Invalid,
    long UnitsLeft)
{
    public int Answered => Completed + Duplicate + SoldOut + Closed + Invalid;
}
