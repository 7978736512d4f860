using PopupStore.Core.Sales;

namespace PopupStore.Silo.Storefront;

/// <summary>GET /api/sale and the live feed. Times are milliseconds since the epoch on Redis' clock.</summary>
public sealed record SaleView(long Units, long Available, long Sold, string State, long Opens, long Closes, long ServerTime)
{
    public static SaleView From(SaleStatus status) =>
        new(status.Units, status.Available, status.Sold, status.State, status.OpensAt, status.ClosesAt, status.Now);
}
