namespace PopupStore.Grains.Sales;

/// <summary>
/// The sale's window as this silo last read it (ms since the epoch, Redis' clock). Orders that arrived
/// at or after <see cref="EndsAt"/> or before <see cref="Opens"/> are closed, whenever they are processed.
/// </summary>
public sealed record SaleWindow(long Generation, long Opens, long Closes, long? ClosedAt)
{
    public long EndsAt => ClosedAt is { } closed ? Math.Min(closed, Closes) : Closes;

    public bool Contains(long arrivedMs) => arrivedMs >= Opens && arrivedMs < EndsAt;
}
