using PopupStore.Grains.Orders;

namespace PopupStore.Tests.Orders;

/// <summary>A silo's purchases of the latest sale, which its customer grains read on every order.</summary>
public sealed class PurchaseLedgerTests
{
    [Fact]
    public void A_purchase_is_found_for_its_sale_only_and_as_often_as_asked()
    {
        var ledger = new PurchaseLedger(completion: null!);
        ledger.Record("c-1", generation: 7, "o-1");

        Assert.Null(ledger.Find("c-1", 8));
        Assert.Equal((7L, "o-1"), ledger.Find("c-1", 7));
        Assert.Equal((7L, "o-1"), ledger.Find("c-1", 7));
        Assert.Null(ledger.Find("c-2", 7));
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void Without_a_generation_the_purchase_of_the_ledgers_sale_is_found()
    {
        var ledger = new PurchaseLedger(completion: null!);
        ledger.Record("c-1", generation: 3, "o-1");

        Assert.Equal((3L, "o-1"), ledger.Find("c-1", null));
        Assert.Null(ledger.Find("c-2", null));
    }

    [Fact]
    public void A_new_sale_drops_the_last_ones_purchases_and_late_ones_of_an_older_sale_are_ignored()
    {
        var ledger = new PurchaseLedger(completion: null!);
        ledger.Record("c-1", generation: 1, "o-1");
        ledger.Record("c-2", generation: 2, "o-2");
        ledger.Record("c-3", generation: 1, "o-3");

        Assert.Equal(1, ledger.Count);
        Assert.Null(ledger.Find("c-1", null));
        Assert.Null(ledger.Find("c-3", null));
        Assert.Equal((2L, "o-2"), ledger.Find("c-2", 2));
    }
}
