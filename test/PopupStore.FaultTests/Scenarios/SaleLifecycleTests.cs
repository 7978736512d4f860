using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Grains;
using PopupStore.Grains.Orders;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>Orders of an earlier sale never touch a new one, even when they are in flight across a reset.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class SaleLifecycleTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_order_in_flight_across_a_reset_and_a_new_start_neither_sells_nor_is_answered_in_the_new_sale()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        var before = await PollerTotalsAsync();
        const string customer = FaultInjectionFilter.HoldPrefix + "lifecycle";
        const string order = "inflight-across-reset";
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", customer)]);

        // The customer grain holds the order, read during the first sale, while the operator resets and starts again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (FaultInjectionFilter.CallsFor(order) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no poller picked the order up");
            await Task.Delay(20);
        }

        await cluster.Sales.ResetAsync();
        await cluster.Sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        Assert.True(FaultInjectionFilter.Release(order), $"the order's hold ({FaultInjectionFilter.HoldLimit}) ran out before the new sale started");
        output.WriteLine($"reset and started a new sale while {order} was held in its customer grain; released it");

        // Released, the order goes on to the completion script as it was read, in the first sale. Its poller counts it
        // (answered, or failed and left to retry) once its batch is done: only then is there something to look at.
        var after = before;
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (after == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the poller that read the order never finished its batch");
            await Task.Delay(50);
            after = await PollerTotalsAsync();
        }

        output.WriteLine($"pollers: answered {before.Answered} -> {after.Answered}, failed {before.Failures} -> {after.Failures}");
        Assert.True(after.Answered == before.Answered, "the order of the earlier sale was answered in the new one");

        // The customer buys in the new sale as if the held order never was, and that sale is the only one it made.
        const string later = "after-reset";
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", later), new("customer", customer)]);
        await Invariants.AssertAllAsync(cluster.Redis, [later], output);
        var outcome = Assert.Single(await Invariants.OutcomesAsync(cluster.Redis));
        Assert.Equal(later, outcome.Key);
        Assert.Equal(Core.Orders.OrderResult.Complete, Assert.Single(outcome.Value).Result);
        Assert.Equal(9, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(1, await db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(0, (await cluster.Sales.GetStatusAsync()).RejectedTotal);

        // Its entry went with the reset: it was never delivered again.
        Assert.Equal(1, FaultInjectionFilter.CallsFor(order));
    }

    [Fact]
    public async Task After_the_window_ends_closed_orders_skip_the_customer_grains()
    {
        var db = cluster.Database;
        var sale = await cluster.Sales.StartAsync(10, TimeSpan.FromMilliseconds(300), force: false);
        // The silos read the window every 500 ms; give them time to see this sale and its end.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var orders = Enumerable.Range(0, 20).Select(i => $"after-window-{i}").ToList();
        foreach (var order in orders)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "c-" + order)]);
        }

        await Invariants.AssertAllAsync(cluster.Redis, orders, output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        Assert.All(orders, id => Assert.Equal(Core.Orders.OrderResult.Closed, Assert.Single(outcomes[id]).Result));
        Assert.All(orders, id => Assert.Equal(0, FaultInjectionFilter.CallsFor(id)));
        output.WriteLine($"window ended at {sale.ClosesAt}; {orders.Count} later orders answered closed without a grain call");
    }

    /// <summary>Orders answered and failures of every poller of the cluster, added up.</summary>
    private async Task<(long Answered, long Failures)> PollerTotalsAsync()
    {
        var totals = (Answered: 0L, Failures: 0L);
        foreach (var silo in cluster.Cluster.Silos)
        {
            for (var i = 0; i < new OrderProcessingOptions().PollersPerSilo; i++)
            {
                var stats = await cluster.Cluster.Client.GetGrain<IOrderPollerGrain>(PollerNames.For(silo.SiloAddress, i)).GetStats();
                totals = (totals.Answered + stats.Answered, totals.Failures + stats.Failures);
            }
        }

        return totals;
    }
}
