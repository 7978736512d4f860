using System.Diagnostics;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// The primary freezes (SIGSTOP) long enough for Sentinel to replace it, then wakes up still believing it is primary
/// and runs what was queued on its sockets. Whatever it writes then counts for nothing: nobody is told an outcome
/// the new primary lacks, and once Sentinel turns it into a replica it holds exactly what the new primary holds.
/// </summary>
[Collection(FailoverCollection.Name)]
public sealed class FrozenPrimaryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_primary_frozen_until_replaced_then_resumed_tells_nobody_anything()
    {
        await using var cluster = await FailoverCluster.StartAsync("7", PrimaryKillTests.Silos);
        output.WriteLine(cluster.ToString());
        var sale = new FailoverSale(cluster, durable: true);
        var old = await cluster.Redis.PrimaryAsync();
        RedisProcess? promoted = null;
        var staleOnly = new HashSet<string>(StringComparer.Ordinal);

        await sale.RunAsync(TimeSpan.FromSeconds(2), async () =>
        {
            old.Pause();
            var frozen = Stopwatch.StartNew();
            try
            {
                promoted = await cluster.Redis.WaitForPromotionAsync(old, TimeSpan.FromSeconds(30));
                output.WriteLine($"primary {old.Port} frozen; {promoted.Port} promoted {frozen.Elapsed.TotalSeconds:0.0} s later");

                // Long enough for the silos to move to the new primary while the old one cannot answer.
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            finally
            {
                old.Resume();
            }

            output.WriteLine($"old primary resumed after {frozen.Elapsed.TotalSeconds:0.0} s frozen");

            // What the woken primary holds that the new one does not, before Sentinel demotes it.
            try
            {
                await using var stale = await ConnectOnceAsync(old);
                await using var current = await promoted.ConnectAsync();
                var mine = await AnsweredFieldsAsync(stale);
                var theirs = await AnsweredFieldsAsync(current);
                staleOnly.UnionWith(mine.Except(theirs));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                output.WriteLine($"could not read the woken primary before its demotion: {ex.Message}");
            }
        });

        output.WriteLine($"answers only the woken primary held right after it woke: {staleOnly.Count}");
        await ReplicatedRedis.WaitForRoleAsync(old, "slave", TimeSpan.FromSeconds(60));
        output.WriteLine(cluster.Redis.SentinelLogs(12));
        await using var primary = await FailoverCluster.ConnectToAsync(promoted!);
        var report = await Invariants.AssertAllAsync(primary, null, output, cluster.SiloLogs());
        var verdict = await FailoverVerdict.MeasureAsync(primary, sale.AllTold);
        output.WriteLine(verdict.ToString());
        Assert.Empty(verdict.CompleteWithoutUnit);
        Assert.Empty(verdict.AnsweredDifferently);

        // An order the woken primary decided may be told later, but only what the new primary decided (checked above).
        output.WriteLine($"of the woken primary's own answers, orders told later from the new primary: {sale.AllTold.Count(t => staleOnly.Contains(RedisKeys.AnswerField(t.Customer, t.Order)))}");
        var replayed = await sale.Crowd.ReplayAsync();
        Assert.All(sale.Crowd.TellsByOrder.Values, t => Assert.Equal(t.Outcome, replayed[t.Order]));

        // Demoted and resynchronised, the old primary holds what the new one holds, nothing of its own.
        await using var demoted = await old.ConnectAsync();
        var deadline = Stopwatch.StartNew();
        while (!(await AnsweredFieldsAsync(demoted)).SetEquals(await AnsweredFieldsAsync(primary)) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.True((await AnsweredFieldsAsync(demoted)).SetEquals(await AnsweredFieldsAsync(primary)), "the demoted primary kept answers of its own");
        Assert.True(report.AllPassed);
    }

    private static async Task<HashSet<string>> AnsweredFieldsAsync(IConnectionMultiplexer redis) =>
        [.. (await redis.GetDatabase().HashKeysAsync(RedisKeys.Answered)).Select(k => (string)k!)];

    private static async Task<ConnectionMultiplexer> ConnectOnceAsync(RedisProcess server) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", server.Port } },
            AbortOnConnectFail = true,
            ConnectTimeout = 2000,
            AsyncTimeout = 2000,
        });
}
