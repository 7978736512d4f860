using System.Diagnostics;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// The oversell this suite is about: replication stalls for a second while the primary keeps answering, then the
/// primary dies and a replica lacking that second is promoted. With durable answers nobody was told an outcome the
/// new primary lacks; with them off (the control) the same fault shows the loss, so the comparison can see one.
/// </summary>
[Collection(FailoverCollection.Name)]
public sealed class StalledReplicationTests(ITestOutputHelper output)
{
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData("7", true)]
    [InlineData("6.2", true)]
    [InlineData("7", false)]
    public async Task Replication_stalls_then_the_primary_dies(string version, bool durable)
    {
        await using var cluster = await FailoverCluster.StartAsync(
            version,
            PrimaryKillTests.Silos,
            gears: version == "6.2",
            settings: durable ? null : new Dictionary<string, string> { ["Processing__DurableAnswers"] = "Off" });
        output.WriteLine($"{cluster}; durable answers {(durable ? "Auto" : "Off")}");
        var sale = new FailoverSale(cluster, durable);
        var old = await cluster.Redis.PrimaryAsync();
        RedisProcess? promoted = null;
        var sinceKill = new Stopwatch();
        Task<TimeSpan>? recovery = null;

        await sale.RunAsync(TimeSpan.FromSeconds(2), async () =>
        {
            Assert.True(await cluster.Redis.ReplicatingThroughRelaysAsync(), await cluster.Redis.DescribeAsync());
            cluster.Redis.PauseReplication();
            await Task.Delay(Stall);
            long killedAtMs;
            await using (var direct = await old.ConnectAsync())
            {
                killedAtMs = await RecoveryClock.NowAsync(direct);
            }

            await old.KillAsync();
            sinceKill.Start();
            cluster.Redis.CutReplication();
            recovery = RecoveryClock.FirstAnswerAfterAsync(cluster.Redis, old, killedAtMs, sinceKill, TimeSpan.FromSeconds(60));
            promoted = await cluster.Redis.WaitForPromotionAsync(old, TimeSpan.FromSeconds(30));
            output.WriteLine($"replication stalled {Stall.TotalSeconds:0.0} s, then primary {old.Port} killed; {promoted.Port} promoted {sinceKill.Elapsed.TotalSeconds:0.0} s later");
        });

        var recovered = await recovery!;
        output.WriteLine($"recovery: first answer on the new primary {recovered.TotalSeconds:0.00} s after the kill; sale over at {sale.Clock.Elapsed.TotalSeconds:0.0} s");
        await using var primary = await FailoverCluster.ConnectToAsync(promoted!);
        var verdict = await FailoverVerdict.MeasureAsync(primary, sale.AllTold);
        output.WriteLine(verdict.ToString());

        var told = sale.Crowd.TellsByOrder;
        var replayed = await sale.Crowd.ReplayAsync();
        var changed = told.Values.Where(t => replayed[t.Order] != t.Outcome).ToList();
        output.WriteLine($"storefront orders sent again: {replayed.Count}, answered differently: {changed.Count}" +
            (changed.Count > 0 ? $" (e.g. {string.Join(", ", changed.Take(5).Select(t => $"{t.Order}: {t.Outcome} then {replayed[t.Order]}"))})" : string.Empty));
        output.WriteLine($"stream orders acknowledged {sale.Feed.Acknowledged.Count}, refused during the failover {sale.Feed.Failed.Count}");

        if (durable)
        {
            Assert.Empty(verdict.CompleteWithoutUnit);
            Assert.Empty(verdict.AnsweredDifferently);
            Assert.Empty(changed);
            Assert.True(recovered <= PrimaryKillTests.RecoveryLimit, $"recovery took {recovered}");
            await Invariants.AssertAllAsync(primary, null, output, cluster.SiloLogs());
        }
        else
        {
            // The control: the comparison sees the answers the promotion took back.
            Assert.True(verdict.AnyLoss || changed.Count > 0, $"no loss seen without durable answers: {verdict}");
        }
    }
}
