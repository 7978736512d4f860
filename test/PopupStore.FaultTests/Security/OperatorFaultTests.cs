using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Security;

/// <summary>
/// An operator's mistake in Redis (a key of the wrong type, a command taken away from the silos' user) is a
/// condition of Redis, not of the orders: they wait for it to be mended and are then answered as they should be.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class OperatorFaultTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    // Well past MaxDeliveries (5) retries at RetryDelay (0.25 s): an order counted as failing would be invalid by then.
    private static readonly TimeSpan Broken = TimeSpan.FromSeconds(4);

    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_wrong_typed_key_delays_orders_and_never_makes_them_invalid()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);
        await db.StringSetAsync(RedisKeys.Buyers, "an operator's mistake");
        var orders = Enumerable.Range(0, 20).Select(i => $"wt-o{i}").ToList();
        foreach (var order in orders)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "wt-c" + order)]);
        }

        await Task.Delay(Broken);
        var meanwhile = await Invariants.OutcomesAsync(cluster.Redis);
        output.WriteLine($"answered while the key was wrong: {meanwhile.Count}");
        Assert.Empty(meanwhile);
        Assert.Equal(100, (long)await db.StringGetAsync(RedisKeys.Product));

        await db.KeyDeleteAsync(RedisKeys.Buyers);
        await Invariants.AssertAllAsync(cluster.Redis, orders, output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        Assert.All(orders, order => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[order]).Result));
    }

    [Fact]
    public async Task A_command_denied_mid_sale_delays_orders_and_sells_each_unit_once()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);
        var before = Enumerable.Range(0, 10).Select(i => $"acl-a{i}").ToList();
        foreach (var order in before)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "acl-c" + order)]);
        }

        Assert.True(await Drain.WaitAsync(cluster.Redis, TimeSpan.FromSeconds(20)));
        var during = Enumerable.Range(0, 20).Select(i => $"acl-b{i}").ToList();
        try
        {
            // The silos' user (default here) loses DECRBY: only the completion script uses it.
            await db.ExecuteAsync("ACL", "SETUSER", "default", "-decrby");
            foreach (var order in during)
            {
                await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "acl-c" + order)]);
            }

            await Task.Delay(Broken);
            output.WriteLine($"while denied: product {(long)await db.StringGetAsync(RedisKeys.Product)}, queue:complete {await db.StreamLengthAsync(RedisKeys.Complete)}");
            Assert.Equal(90, (long)await db.StringGetAsync(RedisKeys.Product));
            Assert.Equal(10, await db.StreamLengthAsync(RedisKeys.Complete));
            Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Rejected));
        }
        finally
        {
            await db.ExecuteAsync("ACL", "SETUSER", "default", "+decrby");
        }

        await Invariants.AssertAllAsync(cluster.Redis, [.. before, .. during], output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        Assert.All(during, order => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[order]).Result));
        Assert.Equal(70, (long)await db.StringGetAsync(RedisKeys.Product));
    }
}
