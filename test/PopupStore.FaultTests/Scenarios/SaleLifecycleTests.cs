using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
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
        const string order = "inflight-across-reset";
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", FaultInjectionFilter.StallPrefix + "lifecycle")]);

        // The customer grain holds the order (stalled past the response timeout) while the operator resets.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (FaultInjectionFilter.CallsFor(order) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no poller picked the order up");
            await Task.Delay(20);
        }

        await cluster.Sales.ResetAsync();
        await cluster.Sales.StartAsync(10, TimeSpan.FromMinutes(10), force: false);
        output.WriteLine($"reset and started a new sale while {order} was held in its customer grain");

        // Long enough for the stalled call to go on and reach the completion script, and for retries.
        await Task.Delay(FaultInjectionFilter.Stall + TimeSpan.FromSeconds(2));

        Assert.Equal(10, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.False(await db.HashExistsAsync(RedisKeys.Answered, RedisKeys.AnswerField(FaultInjectionFilter.StallPrefix + "lifecycle", order)));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Complete));
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Rejected));
        Assert.Equal(0, (await cluster.Sales.GetStatusAsync()).RejectedTotal);
        Assert.True(await Drain.WaitAsync(cluster.Redis, TimeSpan.FromSeconds(10)), "group popup kept pending entries");
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
}
