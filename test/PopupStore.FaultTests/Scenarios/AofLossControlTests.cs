using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// The control of the AOF kill tests: the same kill and restart, once from the AOF as written and once
/// with the AOF removed before the restart (what a lost disk or <c>appendonly no</c> gives). The loss
/// measure and the invariant checker those tests rely on must see nothing in the first case and the
/// loss in the second; otherwise their "nothing lost" would prove nothing.
/// </summary>
public sealed class AofLossControlTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_restart_is_judged_lossless_only_when_the_AOF_kept_the_data(bool removeAof)
    {
        await using var redis = await RedisProcess.StartAsync(appendFsync: "always");
        await using var connection = await redis.ConnectAsync();
        var db = connection.GetDatabase();
        await new SaleStore(connection).StartAsync(5, TimeSpan.FromMinutes(10), force: false);

        // 20 acknowledged orders; the first 12 answered (5 complete, the rest sold-out or duplicate).
        var feed = new OrderFeed(connection, "control");
        await feed.WriteAsync(20, chunk: 20, every: TimeSpan.Zero);
        var queue = new OrderQueue(connection);
        var taken = await queue.ReadNewAsync("control", 12);
        await new OrderCompleter(connection).CompleteManyAsync([.. taken.Entries.Select(e => OrderEntryParser.Parse(e, taken.Generation))]);
        await queue.AcknowledgeAsync([.. taken.Entries.Select(e => e.Id)]);
        var seenBefore = (await Invariants.OutcomesAsync(connection)).ToDictionary(o => o.Key, o => o.Value[0]);
        Assert.Equal(20, feed.Acknowledged.Count);
        Assert.Equal(12, seenBefore.Count);

        await redis.KillAsync();
        if (removeAof)
        {
            RemoveAof(redis.Directory);
        }

        await redis.RestartAsync();
        await WaitForAnswerAsync(db);

        var queued = (await db.StreamRangeAsync(RedisKeys.Orders)).Select(e => (string)e["id"]!).ToHashSet(StringComparer.Ordinal);
        var loss = AofLoss.Measure(feed.Acknowledged, seenBefore, await Invariants.OutcomesAsync(connection), queued);
        var report = await new InvariantChecker(connection).CheckAsync(expectDrained: false);
        output.WriteLine($"AOF removed: {removeAof}; {loss}{Environment.NewLine}{report}");

        if (removeAof)
        {
            Assert.Equal(20, loss.LostOrders.Count);
            Assert.Equal(12, loss.ChangedOutcomes.Count);
            Assert.False(report.AllPassed, report.ToString());
            Assert.Contains(report.Failures, f => f.Name == InvariantChecker.StockNeverBelowZero);
        }
        else
        {
            Assert.False(loss.Any, loss.ToString());
            Assert.Equal(8, queued.Count);
            Assert.True(report.AllPassed, report.ToString());
        }
    }

    /// <summary>Redis 7 keeps its AOF in a folder (appendonlydir), Redis 6.2 in one file.</summary>
    private static void RemoveAof(string directory)
    {
        var removed = 0;
        var folder = Path.Combine(directory, "appendonlydir");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
            removed++;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "appendonly*.aof"))
        {
            File.Delete(file);
            removed++;
        }

        Assert.True(removed > 0, $"no AOF found in {directory}: {string.Join(", ", Directory.EnumerateFileSystemEntries(directory))}");
    }

    private static async Task WaitForAnswerAsync(IDatabase db)
    {
        // The test's connection reconnects on its own after the restart.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await db.PingAsync();
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
