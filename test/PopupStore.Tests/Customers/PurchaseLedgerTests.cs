using PopupStore.Grains.Customers;

namespace PopupStore.Tests.Customers;

/// <summary>A silo's purchases for grains that let their orders through: taken once, by the customer's grain, for its sale.</summary>
public sealed class PurchaseLedgerTests
{
    [Fact]
    public void A_purchase_is_taken_once_and_only_for_its_sale()
    {
        var ledger = new PurchaseLedger();
        ledger.Record("c-1", generation: 7, "o-1");

        Assert.Null(ledger.Take("c-1", 8));
        Assert.Equal((7L, "o-1"), ledger.Take("c-1", 7));
        Assert.Null(ledger.Take("c-1", 7));
        Assert.Null(ledger.Take("c-2", 7));
    }

    [Fact]
    public void Without_a_generation_the_purchase_there_is_taken()
    {
        var ledger = new PurchaseLedger();
        ledger.Record("c-1", generation: 3, "o-1");

        Assert.Equal((3L, "o-1"), ledger.Take("c-1", null));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void A_new_sale_drops_the_last_ones_purchases_and_late_ones_of_an_older_sale_are_ignored()
    {
        var ledger = new PurchaseLedger();
        ledger.Record("c-1", generation: 1, "o-1");
        ledger.Record("c-2", generation: 2, "o-2");
        ledger.Record("c-3", generation: 1, "o-3");

        Assert.Equal(1, ledger.Count);
        Assert.Null(ledger.Take("c-1", null));
        Assert.Null(ledger.Take("c-3", null));
        Assert.Equal((2L, "o-2"), ledger.Take("c-2", 2));
    }
}
