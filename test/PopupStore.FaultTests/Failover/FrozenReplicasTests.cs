using PopupStore.FaultTests.Infrastructure;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// With durable answers on and both replicas out of reach (their links stalled), the primary still takes orders but
/// no answer goes out, to the storefront or to stream readers, until a replica has it; once the links come back every
/// order is answered.
/// </summary>
[Collection(FailoverCollection.Name)]
public sealed class FrozenReplicasTests(ITestOutputHelper output)
{
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);

    /// <summary>Answers already on their way when the links stalled may still arrive just after.</summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task No_answer_goes_out_while_no_replica_can_have_it()
    {
        await using var cluster = await FailoverCluster.StartAsync(
            "7", PrimaryKillTests.Silos, settings: new Dictionary<string, string> { ["Processing__DurableAnswers"] = "On" });
        output.WriteLine(cluster.ToString());
        var sale = new FailoverSale(cluster, durable: true);
        TimeSpan stalledAt = default, resumedAt = default;

        await sale.RunAsync(TimeSpan.FromSeconds(2), async () =>
        {
            Assert.True(await cluster.Redis.ReplicatingThroughRelaysAsync(), await cluster.Redis.DescribeAsync());
            cluster.Redis.PauseReplication();
            stalledAt = sale.Clock.Elapsed;
            await Task.Delay(Stall);
            resumedAt = sale.Clock.Elapsed;
            cluster.Redis.ResumeReplication();
        });

        var takenMeanwhile = sale.Feed.Acknowledged.Values.Count(at => at > stalledAt && at < resumedAt);
        var toldMeanwhile = sale.AllTold.Where(t => t.At > stalledAt + InFlight && t.At < resumedAt).ToList();
        output.WriteLine(
            $"links stalled {stalledAt.TotalSeconds:0.0}-{resumedAt.TotalSeconds:0.0} s: stream orders taken meanwhile {takenMeanwhile}, " +
            $"answers told meanwhile {toldMeanwhile.Count}; told before {sale.AllTold.Count(t => t.At <= stalledAt)}, after {sale.AllTold.Count(t => t.At >= resumedAt)}");

        Assert.True(takenMeanwhile > 0, "no orders arrived while the links were stalled, so the silence proves nothing");
        Assert.Empty(toldMeanwhile);
        Assert.Equal(FailoverSale.StorefrontBuyers, sale.Crowd.TellsByOrder.Count);
        await using var primary = await FailoverCluster.ConnectToAsync(await cluster.Redis.PrimaryAsync());
        await Invariants.AssertAllAsync(primary, null, output, cluster.SiloLogs());
        var verdict = await FailoverVerdict.MeasureAsync(primary, sale.AllTold);
        output.WriteLine(verdict.ToString());
        Assert.False(verdict.AnyLoss, verdict.ToString());
    }
}
