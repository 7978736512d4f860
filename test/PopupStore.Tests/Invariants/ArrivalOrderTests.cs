using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;

namespace PopupStore.Tests.Invariants;

/// <summary>The first come, first served share, computed from outcomes as Redis holds them after a sale.</summary>
public sealed class ArrivalOrderTests
{
    [Fact]
    public void Units_sold_strictly_by_arrival_give_the_whole_share()
    {
        var report = ArrivalOrder.Measure(
        [
            Answer("a", OrderResult.Complete, "100-0"),
            Answer("b", OrderResult.Complete, "100-1"),
            Answer("c", OrderResult.SoldOut, "101-0"),
        ]);

        Assert.Equal(new ArrivalOrderReport(UnitsSold: 2, Customers: 3, SoldToFirst: 2, LatestBuyerRank: 2), report);
        Assert.Equal(1.0, report.Share);
    }

    [Fact]
    public void A_later_customer_served_before_an_earlier_one_lowers_the_share()
    {
        var report = ArrivalOrder.Measure(
        [
            Answer("a", OrderResult.Complete, "100-0"),
            Answer("b", OrderResult.SoldOut, "100-1"),
            Answer("c", OrderResult.Complete, "101-0"),
            Answer("d", OrderResult.SoldOut, "102-0"),
        ]);

        Assert.Equal(0.5, report.Share);
        Assert.Equal(3, report.LatestBuyerRank);
        Assert.False(report.Keeps(ArrivalOrder.Promised));
    }

    [Fact]
    public void A_customer_counts_by_their_first_order_and_invalid_or_closed_orders_by_none()
    {
        var report = ArrivalOrder.Measure(
        [
            // b's first order came first: b ranks first, although the order that bought came last.
            Answer("b", OrderResult.SoldOut, "99-0"),
            Answer("a", OrderResult.Complete, "100-0"),
            Answer("b", OrderResult.Complete, "102-0"),
            Answer("x", OrderResult.Invalid, "1-0"),
            Answer("y", OrderResult.Closed, "2-0"),
            Answer("z", OrderResult.SoldOut, "103-0"),
        ]);

        Assert.Equal(3, report.Customers);
        Assert.Equal(1.0, report.Share);
    }

    private static AnsweredOrder Answer(string customer, OrderResult result, string entry) =>
        new($"o-{customer}-{entry}", customer, result, entry, entry, string.Empty);
}
