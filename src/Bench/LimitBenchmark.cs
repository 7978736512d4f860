using System.Diagnostics;
using PopupStore.Core.Orders;
using PopupStore.Core.Sales;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// The physical limit: the completion script alone, pipelined from one process, on the same Redis and
/// with the same mix of orders (units, duplicates) as the crowd. No streams, no consumers, no grains.
/// Measured with one order per call (the script as a foreign caller would use it) and with batches
/// (as the silos and the direct consumer use it).
/// </summary>
public static class LimitBenchmark
{
    private const int OrdersInFlight = 4000;

    /// <summary>Orders per second, and how many orders were answered.</summary>
    public static async Task<(double Rate, int Orders)> RunAsync(IConnectionMultiplexer redis, BenchScenario scenario, int ordersPerCall)
    {
        var sale = await new SaleStore(redis).StartAsync(scenario.Units, TimeSpan.FromHours(1), force: true);
        var calls = scenario.Orders("limit", sale.OpensAt).Chunk(ordersPerCall).ToArray();
        var total = calls.Sum(c => c.Length);
        var completer = new OrderCompleter(redis);
        using var gate = new SemaphoreSlim(Math.Max(1, OrdersInFlight / ordersPerCall));
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(calls.Length);
        foreach (var call in calls)
        {
            await gate.WaitAsync();
            tasks.Add(CompleteAsync(completer, call, gate));
        }

        await Task.WhenAll(tasks);
        return (total / clock.Elapsed.TotalSeconds, total);
    }

    private static async Task CompleteAsync(OrderCompleter completer, OrderRequest[] orders, SemaphoreSlim gate)
    {
        try
        {
            await completer.CompleteManyAsync(orders);
        }
        finally
        {
            gate.Release();
        }
    }
}
