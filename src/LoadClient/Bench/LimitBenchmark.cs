using System.Diagnostics;
using PopupStore.Core.Orders;
using PopupStore.Core.Sales;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Bench;

/// <summary>
/// The physical limit: the completion script alone, pipelined from one process, on the same Redis and
/// with the same mix of orders (units, duplicates) as the crowd. No streams, no consumers, no grains.
/// </summary>
public static class LimitBenchmark
{
    private const int InFlight = 2000;

    public static async Task<double> RunAsync(IConnectionMultiplexer redis, BenchScenario scenario)
    {
        await new SaleStore(redis).StartAsync(scenario.Units, TimeSpan.FromHours(1), force: true);
        var orders = scenario.Orders("limit").ToArray();
        var completer = new OrderCompleter(redis);
        using var gate = new SemaphoreSlim(InFlight);
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task>(orders.Length);
        foreach (var order in orders)
        {
            await gate.WaitAsync();
            tasks.Add(CompleteAsync(completer, order, gate));
        }

        await Task.WhenAll(tasks);
        return orders.Length / clock.Elapsed.TotalSeconds;
    }

    private static async Task CompleteAsync(OrderCompleter completer, OrderRequest order, SemaphoreSlim gate)
    {
        try
        {
            await completer.CompleteAsync(order);
        }
        finally
        {
            gate.Release();
        }
    }
}
