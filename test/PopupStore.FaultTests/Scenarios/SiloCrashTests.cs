using System.Diagnostics;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>Scenario 1: kill -9 one of three silo processes while orders are still flowing.</summary>
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_silo_killed_mid_sale_leaves_no_order_behind_and_its_pending_orders_are_answered_within_seconds()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 3);
        output.WriteLine($"{cluster.Silos.Count} silo processes healthy in {cluster.LastStartTime.TotalSeconds:0.0} s");
        var db = cluster.Database;
        await cluster.Sales.StartAsync(5_000, TimeSpan.FromMinutes(10), force: false);

        // Orders for 5,000 units arrive in chunks until the victim is caught holding some. A batch is
        // answered within milliseconds of being read, so a freeze (SIGSTOP) at a random instant often
        // finds nothing pending: each try freezes the victim a few ms after a chunk lands, at a different
        // delay each time, and thaws it if it holds nothing. What it holds when caught is exactly what a
        // crash at that instant would orphan. Its consumers keep their pending lists until someone claims
        // them (after ClaimIdleTime, 3 s here).
        var feed = new OrderFeed(cluster.Connection, "crash");
        const int chunk = 200;
        var written = 0;
        var victim = cluster.Silos[1];
        var orphans = new Dictionary<string, string>();
        var catching = Stopwatch.StartNew();
        for (var attempt = 0; orphans.Count == 0 && catching.Elapsed < TimeSpan.FromSeconds(60); attempt++)
        {
            await feed.WriteChunkAsync(written, chunk);
            written += chunk;
            await Task.Delay(attempt % 12);
            Signals.Send(victim.App.Pid, Signals.Stop);
            orphans = await PendingForAsync(db, victim.ConsumerPrefix);
            if (orphans.Count == 0)
            {
                Signals.Send(victim.App.Pid, Signals.Continue);
                await Task.Delay(20);
            }
        }

        output.WriteLine($"victim caught holding orders after {written:N0} orders in {catching.Elapsed.TotalSeconds:0.0} s");

        // More orders keep arriving while the survivors take over.
        var writing = feed.WriteAsync(10_000, chunk: 1_000, every: TimeSpan.FromMilliseconds(250), first: written);
        victim.Kill();
        var clock = Stopwatch.StartNew();
        var killedAtRedisMs = await RedisNowAsync(db);
        output.WriteLine($"killed {victim.App.Name}; {orphans.Count} orders pending with its consumers ({victim.ConsumerPrefix}*)");
        Assert.NotEmpty(orphans);

        var acknowledgedAfter = await WaitUntilGoneAsync(db, orphans.Keys, clock, RecoveryLimit + TimeSpan.FromSeconds(30));
        await writing;
        await Invariants.AssertAllAsync(cluster.Connection, [.. feed.Acknowledged.Keys], output, cluster.SiloLogs());

        var outcomes = await Invariants.OutcomesAsync(cluster.Connection);
        var orphanOutcomes = orphans.Values.Select(order => Assert.Single(outcomes[order])).ToList();
        var lastAnsweredMs = orphanOutcomes.Max(o => o.AnsweredAtMilliseconds);
        var answeredAfter = TimeSpan.FromMilliseconds(Math.Max(0, lastAnsweredMs - killedAtRedisMs));
        var answeredBeforeKill = orphanOutcomes.Count(o => o.AnsweredAtMilliseconds < killedAtRedisMs);
        output.WriteLine(
            $"recovery: last orphaned order answered {answeredAfter.TotalSeconds:0.00} s after the kill (Redis clock); " +
            $"all {orphans.Count} orphans acknowledged and removed {acknowledgedAfter.TotalSeconds:0.00} s after the kill; " +
            $"{answeredBeforeKill} of them had been answered by the dead silo before it died (answered once, not twice)");

        Assert.True(acknowledgedAfter < RecoveryLimit, $"orphans were settled only after {acknowledgedAfter}");
        Assert.True(answeredAfter < RecoveryLimit, $"the last orphan was answered only after {answeredAfter}");
        Assert.Equal(5_000, outcomes.Values.Count(o => o[0].Result == OrderResult.Complete));
        Assert.Equal(0, (long)await db.StringGetAsync(RedisKeys.Product));

        // Well-formed orders must get real answers: a silo crash is no reason to call an order invalid.
        Assert.DoesNotContain(outcomes.Values, o => o[0].Result == OrderResult.Invalid);
        Assert.True(victim.App.HasExited);
        foreach (var survivor in cluster.Silos.Where(s => s != victim))
        {
            Assert.False(survivor.App.HasExited, survivor.App.Tail());
            await survivor.WaitHealthyAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static async Task<long> RedisNowAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }

    /// <summary>Entry id -> order id of everything pending with consumers whose name starts with <paramref name="prefix"/>.</summary>
    private static async Task<Dictionary<string, string>> PendingForAsync(IDatabase db, string prefix)
    {
        var consumers = await db.StreamConsumerInfoAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup);
        var orphans = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var consumer in consumers.Where(c => c.Name.ToString().StartsWith(prefix, StringComparison.Ordinal)))
        {
            var pending = await db.StreamPendingMessagesAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, 10_000, consumer.Name);
            foreach (var message in pending)
            {
                var entry = await db.StreamRangeAsync(RedisKeys.Orders, message.MessageId, message.MessageId);
                orphans[message.MessageId.ToString()] = (string)entry.Single()["id"]!;
            }
        }

        return orphans;
    }

    /// <summary>
    /// Time until every orphaned entry is settled: acknowledged and deleted from queue:orders, which
    /// pollers do only after its outcome is stored.
    /// </summary>
    private static async Task<TimeSpan> WaitUntilGoneAsync(IDatabase db, IEnumerable<string> entryIds, Stopwatch sinceKill, TimeSpan timeout)
    {
        var left = entryIds.ToHashSet(StringComparer.Ordinal);
        while (left.Count > 0 && sinceKill.Elapsed < timeout)
        {
            var ids = left.ToList();
            var found = await Task.WhenAll(ids.Select(id => db.StreamRangeAsync(RedisKeys.Orders, id, id)));
            for (var i = 0; i < ids.Count; i++)
            {
                if (found[i].Length == 0)
                {
                    left.Remove(ids[i]);
                }
            }

            if (left.Count > 0)
            {
                await Task.Delay(50);
            }
        }

        Assert.True(left.Count == 0, $"{left.Count} orphaned entries still in queue:orders after {timeout}");
        return sinceKill.Elapsed;
    }
}
