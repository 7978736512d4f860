using PopupStore.Testing;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Grains;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// Scenario 6: what Orleans does not promise under faults (one activation per grain, one execution
/// per call) the completion script makes up for in Redis.
/// </summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class GuardTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_activations_completing_the_same_orders_and_customers_at_once_answer_each_order_once()
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(150, TimeSpan.FromMinutes(10), force: false);

        // Two "activations" on two connections, as two silos that both believe they own a customer grain
        // would be after a membership split. Nothing here goes through Orleans: only the Redis guard is left.
        await using var other = await cluster.Server.ConnectAsync();
        await PopupScripts.LoadAllAsync(other);
        var first = new OrderCompleter(cluster.Redis);
        var second = new OrderCompleter(other);
        var orders = new List<OrderRequest>();
        var racing = new List<Task<OrderOutcome[]>>();
        for (var c = 0; c < 200; c++)
        {
            // The same order twice (a duplicate delivery), and a second order of the same customer.
            var same = new OrderRequest($"dup-{c}", $"twin-{c}", string.Empty, Arrivals.Now(c));
            var sibling = new OrderRequest($"dup-{c}-again", $"twin-{c}", string.Empty, $"2-{c}");
            orders.Add(same);
            racing.Add(Task.WhenAll(first.CompleteAsync(same), second.CompleteAsync(same)));
            orders.Add(sibling);
            racing.Add(Task.WhenAll(second.CompleteAsync(sibling), first.CompleteAsync(sibling)));
        }

        var answers = await Task.WhenAll(racing);
        var calls = orders.Zip(answers, (order, pair) => (Order: order, A: pair[0], B: pair[1])).ToList();
        foreach (var (order, a, b) in calls)
        {
            Assert.Equal(a.Result, b.Result);
            Assert.True(a.Fresh ^ b.Fresh, $"{order.OrderId}: exactly one of the two calls must have written the outcome");
        }

        for (var c = 0; c < 200; c++)
        {
            var pair = calls.Where(x => x.Order.CustomerId == $"twin-{c}").Select(x => x.A.Result).ToList();
            Assert.True(pair.Count(r => r == OrderResult.Complete) <= 1, $"twin-{c} bought twice");
        }

        Assert.Equal(150, calls.Count(c => c.A.Result == OrderResult.Complete));
        await Invariants.AssertAllAsync(cluster.Redis, [.. calls.Select(c => c.Order.OrderId)], output);
    }

    [Theory]
    [InlineData(FaultInjectionFilter.StallPrefix)]
    [InlineData(FaultInjectionFilter.LatePrefix)]
    public async Task A_customer_call_that_times_out_while_it_still_completes_gets_one_outcome(string prefix)
    {
        var db = cluster.Database;
        await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);
        var stats = await PollerFailuresAsync();
        var slow = Enumerable.Range(0, 5).Select(i => $"{prefix}order-{i}").ToList();
        var normal = Enumerable.Range(0, 50).Select(i => $"{prefix}normal-{i}").ToList();
        for (var i = 0; i < slow.Count; i++)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", slow[i]), new("customer", $"{prefix}{i}")]);
        }

        // A second order of the first slow customer, waiting behind the stalled call.
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", $"{prefix}order-0-again"), new("customer", $"{prefix}0")]);
        foreach (var id in normal)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", "normal-" + id)]);
        }

        await Invariants.AssertAllAsync(cluster.Redis, [.. slow, $"{prefix}order-0-again", .. normal], output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        var failures = await PollerFailuresAsync() - stats;
        output.WriteLine($"{prefix}: poller failures (timeouts) {failures}; calls per slow order: " +
            string.Join(",", slow.Select(FaultInjectionFilter.CallsFor)));

        Assert.True(failures >= slow.Count, "every slow order must have timed out at least once");
        Assert.All(slow, id => Assert.True(FaultInjectionFilter.CallsFor(id) >= 2, $"{id} was not delivered again"));
        Assert.All(slow.Skip(1), id => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[id]).Result));

        // The first slow customer's two orders race (they may be read by different pollers): one sells.
        var firstCustomer = new[] { slow[0], $"{prefix}order-0-again" }.Select(id => Assert.Single(outcomes[id]).Result).ToList();
        Assert.Equal([OrderResult.Complete, OrderResult.Duplicate], firstCustomer.Order());
        Assert.All(normal, id => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[id]).Result));
        Assert.Equal(100 - slow.Count - normal.Count, (long)await db.StringGetAsync(RedisKeys.Product));
    }

    private async Task<long> PollerFailuresAsync()
    {
        long total = 0;
        foreach (var silo in cluster.Cluster.Silos)
        {
            for (var i = 0; i < 2; i++)
            {
                var name = $"{silo.SiloAddress.Endpoint}/{i}";
                total += (await cluster.Cluster.Client.GetGrain<IOrderPollerGrain>(name).GetStats()).Failures;
            }
        }

        return total;
    }
}
