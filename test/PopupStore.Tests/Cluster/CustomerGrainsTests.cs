using PopupStore.Core.Orders;
using PopupStore.Grains;
using PopupStore.Grains.Orders;
using PopupStore.Testing;
using PopupStore.Tests.Infrastructure;

namespace PopupStore.Tests.Cluster;

/// <summary>The cached-type references the dispatchers use name the same grains as Orleans' own GetGrain.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CustomerGrainsTests(ClusterFixture cluster)
{
    [Theory]
    [InlineData("alice")]
    [InlineData("customer with spaces and ünïcode")]
    public async Task A_reference_is_the_grain_orleans_would_give_and_answers_calls(string customer)
    {
        var grains = cluster.Cluster.Client;
        var references = new CustomerGrains(grains, new PurchaseLedger(new OrderCompleter(cluster.Redis)));

        var fast = references.For(customer);
        var usual = grains.GetGrain<ICustomerGrain>(customer);

        Assert.Equal(usual.GetGrainId(), fast.GetGrainId());
        Assert.NotEqual(references.For("someone-else").GetGrainId(), fast.GetGrainId());
        Assert.Equal(customer, fast.GetPrimaryKeyString());

        // A call through the reference reaches the customer's grain and its answer comes back: the grain never saw
        // this customer buy, so the order is handed back unchanged, to be completed by the caller.
        var order = new OrderRequest($"ref-{customer}", customer, string.Empty, Arrivals.Now(1), "invalid on purpose");
        Assert.Equal(order, await fast.AdmitOrder(order));

        // Through the reference and then the completion, the order gets its answer from the script.
        Assert.Equal(new OrderOutcome(OrderResult.Invalid, true), await references.PlaceAsync(order));
    }
}
