using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// The compose image runs Redis 6.2, whose XAUTOCLAIM answers an entry deleted while pending with a null
/// entry that has no id. A silo on Redis 6.2.6 (from $REDIS_MODULES_DIR) claims such a dead consumer's list.
/// </summary>
public sealed class Redis62Tests(ITestOutputHelper output)
{
    [Fact]
    public async Task On_redis_6_2_a_dead_consumers_entries_deleted_while_pending_do_not_stall_the_claim()
    {
        await using var redis = await RedisProcess.StartAsync(binary: RedisModules.Server62);
        await using var admin = await redis.ConnectAsync();
        var db = admin.GetDatabase();
        Assert.StartsWith("6.2.", admin.GetServer(admin.GetEndPoints()[0]).Version.ToString(), StringComparison.Ordinal);
        await new SaleStore(admin).StartAsync(100, TimeSpan.FromMinutes(10), force: false);

        // A consumer of a silo that died holding 20 orders, 5 of which were deleted while pending.
        var ids = new List<RedisValue>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await db.StreamAddAsync(RedisKeys.Orders, [new("id", $"o62-{i}"), new("customer", $"c62-{i}")]));
        }

        await db.StreamReadGroupAsync(RedisKeys.Orders, RedisKeys.ConsumerGroup, "127.0.0.1:1/0", ">", 100);
        await db.StreamDeleteAsync(RedisKeys.Orders, [.. ids.Take(5)]);

        await using var silo = SiloProcess.Start(redis.ConnectionString);
        await silo.WaitHealthyAsync(ProcessCluster.StartTimeout);
        var kept = Enumerable.Range(5, 15).Select(i => $"o62-{i}").ToList();
        var report = await Invariants.AssertAllAsync(admin, kept, output, silo.App.Tail(30));

        var outcomes = await Invariants.OutcomesAsync(admin);
        Assert.All(kept, id => Assert.Equal(OrderResult.Complete, Assert.Single(outcomes[id]).Result));
        Assert.Equal(0, await new OrderQueue(admin).PendingCountAsync());
        Assert.True(report.AllPassed);
    }
}
