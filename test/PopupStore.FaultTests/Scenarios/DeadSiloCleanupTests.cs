using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>What a dead silo leaves in Redis (its consumers in group popup, its membership row) is cleaned up, safely.</summary>
public sealed class DeadSiloCleanupTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> QuickCleanup = new()
    {
        ["Processing__ConsumerCleanupInterval"] = "00:00:00.500",
        ["Processing__ConsumerCleanupIdleTime"] = "00:00:04",
        ["Orleans__Membership__DefunctSiloExpiration"] = "00:00:05",
        ["Orleans__Membership__DefunctSiloCleanupPeriod"] = "00:00:01",
        ["Orleans__Membership__DefunctSiloMinimumRetention"] = "00:00:01",
    };

    [Fact]
    public async Task A_killed_silos_consumers_and_membership_row_are_removed_after_its_orders_are_answered()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, settings: QuickCleanup);
        var db = cluster.Database;
        await cluster.Sales.StartAsync(1_000, TimeSpan.FromMinutes(10), force: false);
        var feed = new OrderFeed(cluster.Connection, "cleanup");
        var writing = feed.WriteAsync(3_000, chunk: 300, every: TimeSpan.FromMilliseconds(100));
        await Task.Delay(500);

        var victim = cluster.Silos[1];
        var survivor = cluster.Silos[0];
        victim.Kill();
        await writing;
        await Invariants.AssertAllAsync(cluster.Connection, [.. feed.Acknowledged.Keys], output, cluster.SiloLogs());

        // Orleans' Redis membership: one hash per cluster, "<ServiceId>/members/<ClusterId>", a field per silo.
        const string membershipKey = "popupstore/members/popupstore";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string[] consumers;
        bool rowLeft;
        do
        {
            await Task.Delay(500);
            consumers = [.. (await new OrderQueue(cluster.Connection).ConsumersAsync()).Select(c => (string)c.Name!)];
            rowLeft = (await db.HashKeysAsync(membershipKey)).Any(k => k.ToString().Contains($":{victim.SiloPort}@", StringComparison.Ordinal));
        }
        while ((consumers.Any(c => c.StartsWith(victim.ConsumerPrefix, StringComparison.Ordinal)) || rowLeft) && DateTime.UtcNow < deadline);

        output.WriteLine($"consumers left: {string.Join(", ", consumers)}; dead silo's membership row left: {rowLeft}");
        Assert.DoesNotContain(consumers, c => c.StartsWith(victim.ConsumerPrefix, StringComparison.Ordinal));
        Assert.Contains(consumers, c => c.StartsWith(survivor.ConsumerPrefix, StringComparison.Ordinal));
        Assert.False(rowLeft, "the dead silo's membership row is still there");
        Assert.Equal(0, await new OrderQueue(cluster.Connection).PendingCountAsync());
    }
}
