using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// A silo joins mid-sale: the customer ring gives it about a third of the customers, whose grains then start again
/// there knowing nothing of the customers' earlier purchases, while orders keep arriving. Redis must still decide
/// every order: no customer gets a second unit, every order one answer.
/// </summary>
public sealed class SiloJoinTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_joining_mid_sale_takes_orders_and_no_customer_gets_a_second_unit()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2);
        var db = cluster.Database;
        await cluster.Sales.StartAsync(5_000, TimeSpan.FromMinutes(10), force: false);

        // Round one on two silos: 4,000 orders of 3,200 customers (every fifth orders twice); each buys one unit.
        var first = new OrderFeed(cluster.Connection, "join");
        await first.WriteAsync(4_000, chunk: 500, every: TimeSpan.FromMilliseconds(100));
        Assert.True(await cluster.WaitDrainedAsync(TimeSpan.FromSeconds(60)), cluster.SiloLogs());
        Assert.Equal(1_800, (long)await db.StringGetAsync(RedisKeys.Product));

        // Round two while a third silo starts and joins: every customer of round one orders again, with stock left.
        var joining = cluster.StartSilosAsync(1);
        var again = new List<string>();
        for (var start = 0; start < 4_000; start += 250)
        {
            var batch = db.CreateBatch();
            var writes = new List<Task>();
            for (var i = start; i < start + 250; i++)
            {
                var order = $"join-again-o{i}";
                again.Add(order);
                writes.Add(batch.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", i % 5 == 4 ? $"join-c{i - 1}" : $"join-c{i}")]));
            }

            batch.Execute();
            await Task.WhenAll(writes);
            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }

        await joining;
        output.WriteLine($"the third silo was healthy {cluster.LastStartTime.TotalSeconds:0.0} s after it started");

        // And once more after it joined, so the moved customers' new grains certainly answer some.
        var late = Enumerable.Range(0, 800).Select(i => $"join-late-o{i}").ToList();
        var lateWrites = late.Select((order, i) => db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", $"join-c{i * 5}")]));
        await Task.WhenAll(lateWrites);

        var written = first.Acknowledged.Keys.Concat(again).Concat(late).ToList();
        await Invariants.AssertAllAsync(cluster.Connection, written, output, cluster.SiloLogs());

        var outcomes = await Invariants.OutcomesAsync(cluster.Connection);
        Assert.Equal(written.Count, written.Count(outcomes.ContainsKey));
        // Every order of the later rounds comes from a customer who bought in round one: a duplicate, though
        // a third of them reached grains that started again on the new silo, and the stock was not gone.
        Assert.Equal(3_200, outcomes.Values.Count(o => o[0].Result == OrderResult.Complete));
        Assert.All(again.Concat(late), order => Assert.Equal(OrderResult.Duplicate, Assert.Single(outcomes[order]).Result));
        Assert.Equal(1_800, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.DoesNotContain(outcomes.Values, o => o[0].Result == OrderResult.Invalid);

        // The third silo took part: its pollers joined the consumer group, and customers moved to it (Orleans' own
        // count of activations by grain type, on its /metrics).
        var joined = cluster.Silos[2];
        var consumers = await db.StreamConsumerInfoAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup);
        Assert.Contains(consumers, c => c.Name.ToString().StartsWith(joined.ConsumerPrefix, StringComparison.Ordinal));
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(joined.Health, "/metrics"));
        var created = Assert.Single(metrics.Split('\n'), l =>
            l.StartsWith("orleans_catalog_activation_created_total{", StringComparison.Ordinal) && l.Contains("grain_type=\"customer\"", StringComparison.Ordinal));
        var customersThere = double.Parse(created[(created.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"customer grains activated on the joined silo: {customersThere}");
        Assert.True(customersThere > 0, created);
        Assert.All(cluster.Silos, s => Assert.False(s.App.HasExited, s.App.Tail()));
    }
}
