using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Security;

/// <summary>An order is its customer's: another customer's order id, reused, changes nobody else's outcome.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class OrderIdentityTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_reused_order_id_is_never_replayed_as_another_customers_purchase()
    {
        var db = cluster.Database;
        var timeout = TimeSpan.FromSeconds(15);
        await cluster.Sales.StartAsync(1, TimeSpan.FromMinutes(10), force: false);
        await WriteAsync(db, "alice", "o1");
        Assert.Equal(OrderResult.Complete, (await Answers.WaitAsync(cluster.Redis, "alice", "o1", timeout)).Result);

        // bob writes alice's order id, then an order of his own. The unit is gone: both are sold-out, and
        // neither bob's grain nor Redis takes him for a buyer.
        await WriteAsync(db, "bob", "o1");
        Assert.True(await Drain.WaitAsync(cluster.Redis, timeout));
        await WriteAsync(db, "bob", "o2");
        Assert.True(await Drain.WaitAsync(cluster.Redis, timeout));

        var reused = await Answers.FindAsync(cluster.Redis, "bob", "o1");
        var own = await Answers.FindAsync(cluster.Redis, "bob", "o2");
        output.WriteLine($"bob/o1: {reused?.Result.ToWire()} ({reused?.Detail}); bob/o2: {own?.Result.ToWire()} ({own?.Detail})");
        Assert.Equal(OrderResult.SoldOut, reused?.Result);
        Assert.Equal(OrderResult.SoldOut, own?.Result);
        Assert.False(await db.HashExistsAsync(RedisKeys.Buyers, "bob"));
        await Invariants.AssertAllAsync(cluster.Redis, ["o1", "o2"], output);
    }

    private static async Task WriteAsync(IDatabase db, string customer, string order)
    {
        var ticket = await db.StreamAddAsync(RedisKeys.Customers, "id", customer);
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", customer), new("ticket", ticket)]);
    }
}
