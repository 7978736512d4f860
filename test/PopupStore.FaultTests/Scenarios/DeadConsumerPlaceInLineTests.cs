using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// A silo died holding the earliest orders of a sale's last units. Later orders wait behind them (first come,
/// first served); the waiting must not keep the live pollers from claiming those orders, or nobody is answered
/// until the wait runs out and the later orders take the units.
/// </summary>
public sealed class DeadConsumerPlaceInLineTests(ITestOutputHelper output)
{
    private const int Units = 10;
    private const int Orphans = 20;
    private const int Later = 50;

    [Fact]
    public async Task Orders_held_by_a_dead_consumer_are_claimed_while_later_orders_wait_and_get_the_units_first()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var admin = await redis.ConnectAsync();
        var db = admin.GetDatabase();
        await new SaleStore(admin).StartAsync(Units, TimeSpan.FromMinutes(10), force: false);
        await using var silo = SiloProcess.Start(redis.ConnectionString);
        await silo.WaitHealthyAsync(ProcessCluster.StartTimeout);

        // Written and delivered to a consumer of a silo that is gone, in one transaction so no live poller
        // reads them first.
        var orphaned = db.CreateTransaction();
        for (var i = 0; i < Orphans; i++)
        {
            _ = orphaned.StreamAddAsync(RedisKeys.Orders, [new("id", $"early-o{i}"), new("customer", $"early-c{i}")]);
        }

        var delivered = orphaned.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "127.0.0.1:1/0", ">", Orphans);
        var deliveredAt = RedisNowAsync(orphaned);
        Assert.True(await orphaned.ExecuteAsync());
        Assert.Equal(Orphans, (await delivered).Length);

        // Later arrivals would buy, but the 20 pending before them could take all 10 units: they wait. They come
        // in a few chunks, so that every poller of the silo has some of them in hand.
        var later = Enumerable.Range(0, Later).Select(i => $"late-o{i}").ToList();
        foreach (var chunk in later.Chunk(Later / 5))
        {
            await Task.WhenAll(chunk.Select(id => db.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", id.Replace("-o", "-c", StringComparison.Ordinal))])));
            await Task.Delay(100);
        }

        var all = Enumerable.Range(0, Orphans).Select(i => $"early-o{i}").Concat(later).ToList();
        await Invariants.AssertAllAsync(admin, all, output, silo.App.Tail(30));

        var outcomes = await Invariants.OutcomesAsync(admin);
        var lastAnswered = all.Max(id => Assert.Single(outcomes[id]).AnsweredAtMilliseconds);
        var answeredAfter = TimeSpan.FromMilliseconds(lastAnswered - await deliveredAt);
        var buyers = all.Where(id => outcomes[id][0].Result == OrderResult.Complete).ToList();
        output.WriteLine($"last order answered {answeredAfter.TotalSeconds:0.00} s after the dead consumer took the first {Orphans}; "
            + $"units went to {string.Join(", ", buyers)}");

        // Claimed once idle for ClaimIdleTime (3 s here) and looked for every ClaimInterval (0.5 s): the later
        // orders' wait (10 s from their arrival) must not be what ends it.
        Assert.True(answeredAfter < TimeSpan.FromSeconds(9), $"the last order was answered {answeredAfter} after the orphans were delivered");
        Assert.Equal(Enumerable.Range(0, Units).Select(i => $"early-o{i}"), buyers);
        Assert.Equal(0, await new OrderQueue(admin).PendingCountAsync());

        // What an operator sees meanwhile: orders handed back while they waited.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"));
        var waiting = metrics.Split('\n').Single(line => line.StartsWith("popupstore_orders_waiting_total", StringComparison.Ordinal));
        output.WriteLine(waiting);
        Assert.True(double.Parse(waiting.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) > 0, waiting);
    }

    private static async Task<long> RedisNowAsync(IDatabaseAsync db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }
}
