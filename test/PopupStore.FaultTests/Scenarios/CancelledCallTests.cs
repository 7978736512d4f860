using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>A cancelled customer grain call delays its own order only: the batch around it is acknowledged.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class CancelledCallTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_cancelled_call_leaves_no_answered_order_unacknowledged_and_is_retried()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(1_000, TimeSpan.FromMinutes(10), force: false);
        var orders = new List<string> { "cancelled-o" };
        var batch = db.CreateBatch();
        var writes = new List<Task>
        {
            batch.StreamAddAsync(RedisKeys.Orders, [new("id", "cancelled-o"), new("customer", FaultInjectionFilter.CancelPrefix + "1")]),
        };
        for (var i = 0; i < 60; i++)
        {
            orders.Add($"beside-cancelled-o{i}");
            writes.Add(batch.StreamAddAsync(RedisKeys.Orders, [new("id", $"beside-cancelled-o{i}"), new("customer", $"beside-cancelled-c{i}")]));
        }

        batch.Execute();
        await Task.WhenAll(writes);

        // Well before ClaimIdleTime (3 s): nothing may wait for another poller to claim it.
        var drained = await Drain.WaitAsync(cluster.Redis, TimeSpan.FromSeconds(2));
        output.WriteLine($"drained within 2 s: {drained}; pending {await new OrderQueue(cluster.Redis).PendingCountAsync()}");
        Assert.True(drained, "orders stayed pending after a cancelled call");

        await Invariants.AssertAllAsync(cluster.Redis, orders, output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        Assert.All(orders, order => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[order]).Result));
        Assert.True(FaultInjectionFilter.CallsFor("cancelled-o") >= 2);
    }
}
