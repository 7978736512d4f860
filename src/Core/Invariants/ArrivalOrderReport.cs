using System.Globalization;

namespace PopupStore.Core.Invariants;

/// <param name="UnitsSold">U: customers who bought.</param>
/// <param name="Customers">Customers with at least one order that could have bought.</param>
/// <param name="SoldToFirst">Units sold to the first U customers by arrival.</param>
/// <param name="LatestBuyerRank">Arrival rank of the latest-arriving customer who bought (U when strictly in order).</param>
public sealed record ArrivalOrderReport(int UnitsSold, int Customers, int SoldToFirst, int LatestBuyerRank)
{
    /// <summary>Share of the units sold to the first U customers by arrival; 1 when nothing was sold.</summary>
    public double Share => UnitsSold == 0 ? 1.0 : (double)SoldToFirst / UnitsSold;

    public bool Keeps(double share) => Share >= share;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Share:P2} of {UnitsSold} units to the first {UnitsSold} of {Customers} customers by arrival; latest buyer ranked {LatestBuyerRank}");
}
