using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>Scenario 5: an entry whose processing always throws is moved aside and blocks nothing.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class PoisonEntryTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_entry_that_keeps_failing_is_answered_invalid_after_MaxDeliveries_and_the_orders_around_it_complete()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(1_000, TimeSpan.FromMinutes(10), force: false);
        var good = new List<string>();
        var poison = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            if (i % 100 == 50)
            {
                var bad = $"poison-order-{i}";
                poison.Add(bad);
                var customer = $"{FaultInjectionFilter.PoisonPrefix}{i}";
                var ticket = await db.StreamAddAsync(RedisKeys.Customers, "id", customer);
                await db.StreamAddAsync(RedisKeys.Orders, [new("id", bad), new("customer", customer), new("ticket", ticket)]);
            }

            var id = $"around-poison-{i}";
            good.Add(id);
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", $"patient-{i}")]);
        }

        await Invariants.AssertAllAsync(cluster.Redis, [.. good, .. poison], output);

        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        Assert.All(good, id => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[id]).Result));
        foreach (var id in poison)
        {
            var answer = Assert.Single(outcomes[id]);
            output.WriteLine($"{id}: {answer.Result.ToWire()} ({answer.Detail}) after {FaultInjectionFilter.CallsFor(id)} calls");
            Assert.Equal(OrderResult.Invalid, answer.Result);
            Assert.Equal($"failed {InProcessCluster.MaxDeliveries} times: InvalidOperationException", answer.Detail);
            Assert.Equal(InProcessCluster.MaxDeliveries, FaultInjectionFilter.CallsFor(id));
        }

        Assert.Equal(1_000 - good.Count, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.False(await db.HashExistsAsync(RedisKeys.Buyers, $"{FaultInjectionFilter.PoisonPrefix}50"));

        // Given up on is still answered: the customer is not left waiting in queue:customers.
        Assert.Equal(0, await db.StreamLengthAsync(RedisKeys.Customers));
    }
}
