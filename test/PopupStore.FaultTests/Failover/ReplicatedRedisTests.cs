using System.Diagnostics;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// The topology the failover scenarios stand on does what they rely on: a paused relay really stalls replication
/// while the primary still takes writes, and a killed primary is replaced by a replica through the Sentinels.
/// </summary>
[Collection(FailoverCollection.Name)]
public sealed class ReplicatedRedisTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_paused_relay_stalls_replication_and_a_killed_primary_is_replaced()
    {
        var clock = Stopwatch.StartNew();
        await using var redis = await ReplicatedRedis.StartAsync("7");
        output.WriteLine($"1 primary, 2 replicas, 3 Sentinels ready in {clock.Elapsed.TotalSeconds:0.0} s");
        var old = await redis.PrimaryAsync();
        Assert.Same(redis.Servers[0], old);
        Assert.True(await redis.ReplicatingThroughRelaysAsync(), await redis.DescribeAsync());
        await using var primary = await old.ConnectAsync();
        await using var replica = await redis.Servers[1].ConnectAsync();

        redis.PauseReplication();
        await primary.GetDatabase().StringSetAsync("stalled", "written");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(await replica.GetDatabase().KeyExistsAsync("stalled"), "the write crossed a paused relay");

        redis.ResumeReplication();
        await WaitForAsync(async () => await replica.GetDatabase().KeyExistsAsync("stalled"), TimeSpan.FromSeconds(10));

        clock.Restart();
        await old.KillAsync();
        var promoted = await redis.WaitForPromotionAsync(old, TimeSpan.FromSeconds(30));
        output.WriteLine($"primary killed; {promoted.Port} promoted in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(redis.SentinelLogs(12));
        Assert.NotSame(old, promoted);
        await using var next = await promoted.ConnectAsync();
        Assert.Equal("written", (string?)await next.GetDatabase().StringGetAsync("stalled"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"not true within {timeout}");
            await Task.Delay(50);
        }
    }
}
