using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// Invariant 7: an order is judged by when it arrived (its entry id on Redis' clock), not by when a silo
/// got to it. The silo is frozen (SIGSTOP) while orders arrive, so every order is processed late.
/// </summary>
public sealed class ArrivalWindowTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Orders_are_judged_by_arrival_however_late_a_frozen_silo_processes_them()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 1);
        var db = cluster.Database;
        var silo = cluster.Silos[0];
        Signals.Send(silo.App.Pid, Signals.Stop);
        try
        {
            // Written while no sale exists and read only after it started: they arrived before the opening.
            var early = await WriteAsync(db, "early", 100);
            var sale = await cluster.Sales.StartAsync(500, TimeSpan.FromSeconds(3), force: false);
            var inTime = await WriteAsync(db, "in-time", 1_000);
            var lastInTime = await db.StreamRangeAsync(RedisKeys.Orders, "-", "+", count: 1, messageOrder: Order.Descending);
            Assert.True(StreamIds.Milliseconds(lastInTime[0].Id.ToString()) < sale.ClosesAt, "the crowd was written too slowly for the window");

            var untilClosed = TimeSpan.FromMilliseconds(sale.ClosesAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) + TimeSpan.FromMilliseconds(200);
            if (untilClosed > TimeSpan.Zero)
            {
                await Task.Delay(untilClosed);
            }

            var late = await WriteAsync(db, "late", 100);
            output.WriteLine($"silo frozen; {early.Count} orders before the opening, {inTime.Count} inside the 3 s window, {late.Count} after it");

            Signals.Send(silo.App.Pid, Signals.Continue);
            await Invariants.AssertAllAsync(cluster.Connection, [.. early, .. inTime, .. late], output, cluster.SiloLogs());

            var outcomes = await Invariants.OutcomesAsync(cluster.Connection);
            Assert.All(early, id => AssertClosed(outcomes[id], "arrived before the sale opened"));
            Assert.All(late, id => AssertClosed(outcomes[id], "arrived after the sale window ended"));
            var decided = inTime.Select(id => Assert.Single(outcomes[id]).Result).ToList();
            Assert.Equal(500, decided.Count(r => r == OrderResult.Complete));
            Assert.Equal(500, decided.Count(r => r == OrderResult.SoldOut));
            Assert.Equal(0, (long)await db.StringGetAsync(RedisKeys.Product));
        }
        finally
        {
            Signals.Send(silo.App.Pid, Signals.Continue);
        }
    }

    private static void AssertClosed(List<Core.Outcomes.AnsweredOrder> answers, string detail)
    {
        var answer = Assert.Single(answers);
        Assert.Equal(OrderResult.Closed, answer.Result);
        Assert.Equal(detail, answer.Detail);
    }

    private static async Task<List<string>> WriteAsync(IDatabase db, string prefix, int count)
    {
        var batch = db.CreateBatch();
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
        var writes = ids.Select(id => batch.StreamAddAsync(RedisKeys.Orders, [new("id", id), new("customer", "c-" + id)])).ToList();
        batch.Execute();
        await Task.WhenAll(writes);
        return ids;
    }
}
