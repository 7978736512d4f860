using System.Globalization;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Security;

/// <summary>Orders are dated by Redis: a producer's explicit entry id moves nobody's arrival.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class ProducerClockTests(InProcessCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => cluster.ResetSaleAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_entry_dated_in_the_future_does_not_close_the_sale_for_the_orders_after_it()
    {
        var db = cluster.Database;
        var sale = await cluster.Sales.StartAsync(100, TimeSpan.FromMinutes(10), force: false);

        // An hour past the end of the window: Redis gives every later '*' entry that millisecond too.
        var future = string.Create(CultureInfo.InvariantCulture, $"{sale.ClosesAt + 3_600_000}-0");
        await db.StreamAddAsync(RedisKeys.Orders, [new("id", "fut-o"), new("customer", "fut-c")], messageId: future);
        var honest = Enumerable.Range(0, 10).Select(i => $"honest-o{i}").ToList();
        foreach (var order in honest)
        {
            await db.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", "honest-c" + order)]);
        }

        await Invariants.AssertAllAsync(cluster.Redis, [.. honest, "fut-o"], output);
        var outcomes = await Invariants.OutcomesAsync(cluster.Redis);
        foreach (var order in honest)
        {
            var answer = Assert.Single(outcomes[order]);
            Assert.True(answer.Result == OrderResult.Complete, $"{order}: {answer.Result.ToWire()} ({answer.Detail})");
        }

        // The future-dated entry itself is judged as arriving when a silo read it: inside the window.
        Assert.Equal(OrderResult.Complete, Assert.Single(outcomes["fut-o"]).Result);
        Assert.Equal("open", (await cluster.Sales.GetStatusAsync()).State);
    }

    [Fact]
    public async Task An_entry_written_after_the_window_with_an_id_inside_it_is_never_sold()
    {
        var db = cluster.Database;
        var sale = await cluster.Sales.StartAsync(100, TimeSpan.FromSeconds(2), force: false);

        // Just after the end on Redis' clock, before a silo's next look at the window (every 0.5 s).
        while (await RedisNowAsync(db) < sale.ClosesAt + 40)
        {
            await Task.Delay(5);
        }

        var early = string.Create(CultureInfo.InvariantCulture, $"{sale.ClosesAt - 1}-0");
        RedisValue written = RedisValue.Null;
        try
        {
            written = await db.StreamAddAsync(RedisKeys.Orders, [new("id", "late-o"), new("customer", "late-c")], messageId: early);
        }
        catch (RedisServerException ex)
        {
            // The stream is fenced at the end of the window already: Redis refuses the id.
            output.WriteLine($"refused: {ex.Message}");
            Assert.Contains("equal or smaller", ex.Message, StringComparison.Ordinal);
        }

        if (!written.IsNull)
        {
            await Invariants.AssertAllAsync(cluster.Redis, ["late-o"], output);
            var answer = Assert.Single((await Invariants.OutcomesAsync(cluster.Redis))["late-o"]);
            Assert.True(answer.Result == OrderResult.Closed, $"late-o written as {written} after the window: {answer.Result.ToWire()} ({answer.Detail})");
        }

        Assert.Equal(100, (long)await db.StringGetAsync(RedisKeys.Product));
    }

    private static async Task<long> RedisNowAsync(IDatabase db)
    {
        var clock = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return ((long)clock[0] * 1000) + ((long)clock[1] / 1000);
    }
}
