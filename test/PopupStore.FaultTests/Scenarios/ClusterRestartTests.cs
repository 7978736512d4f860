using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>Scenario 2: every silo stopped (SIGTERM, as docker stop does) and started again mid-sale.</summary>
public sealed class ClusterRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stopping_and_restarting_every_silo_mid_sale_resumes_the_same_sale()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2);
        output.WriteLine($"{cluster.Silos.Count} silo processes healthy in {cluster.LastStartTime.TotalSeconds:0.0} s");
        var db = cluster.Database;
        await cluster.Sales.StartAsync(3_000, TimeSpan.FromMinutes(10), force: false);
        var saleBefore = await SaleHashAsync(db);

        // product must only ever go down: watch it for the whole scenario.
        using var watching = new CancellationTokenSource();
        var productSeen = new List<long>();
        var watcher = WatchProductAsync(db, productSeen, watching.Token);

        var feed = new OrderFeed(cluster.Connection, "restart");
        var writing = feed.WriteAsync(9_000, chunk: 500, every: TimeSpan.FromMilliseconds(250));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var stopped = await Task.WhenAll(cluster.Silos.Select(s => s.StopAsync()));
        Assert.All(stopped, graceful => Assert.True(graceful, "a silo did not stop within 30 s of SIGTERM"));
        var productAtStop = (long)await db.StringGetAsync(RedisKeys.Product);
        output.WriteLine($"all silos stopped: product {productAtStop}, {await db.StreamLengthAsync(RedisKeys.Orders)} orders waiting");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(productAtStop, (long)await db.StringGetAsync(RedisKeys.Product));

        // The first silo comes back on its old endpoint (same consumer names: it re-reads its own pending
        // entries); the second is a new one (the old one's pending entries are claimed).
        await cluster.Silos[0].RestartAsync();
        await cluster.StartSilosAsync(1);
        await cluster.Silos[0].WaitHealthyAsync(ProcessCluster.StartTimeout);
        Assert.Equal(saleBefore, await SaleHashAsync(db));

        await writing;
        await Invariants.AssertAllAsync(cluster.Connection, [.. feed.Acknowledged.Keys], output, cluster.SiloLogs());
        await watching.CancelAsync();
        await watcher;

        Assert.Equal(saleBefore, await SaleHashAsync(db));
        Assert.Equal(0, (long)await db.StringGetAsync(RedisKeys.Product));
        Assert.Equal(3_000, await db.StreamLengthAsync(RedisKeys.Complete));
        Assert.True(productSeen.Zip(productSeen.Skip(1)).All(p => p.Second <= p.First), "product went up: " + string.Join(",", productSeen.Distinct()));
        var outcomes = await Invariants.OutcomesAsync(cluster.Connection);
        Assert.DoesNotContain(outcomes.Values, o => o[0].Result == OrderResult.Invalid);
        output.WriteLine($"product {productSeen[0]} -> {productAtStop} at the stop -> {productSeen[^1]}; {productSeen.Count} samples, never up");
    }

    private static async Task<string> SaleHashAsync(IDatabase db) =>
        string.Join(";", (await db.HashGetAllAsync(RedisKeys.Sale)).OrderBy(e => (string)e.Name!, StringComparer.Ordinal).Select(e => $"{e.Name}={e.Value}"));

    private static async Task WatchProductAsync(IDatabase db, List<long> seen, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            seen.Add((long)await db.StringGetAsync(RedisKeys.Product));
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
