using System.Collections.Concurrent;
using System.Diagnostics;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// The crowd: each buyer arrives in queue:customers (its entry id is the ticket), thinks, then orders in
/// queue:orders. A share of buyers order two or three times at once, as impatient buyers do.
/// </summary>
public sealed class BuyerCrowd(IConnectionMultiplexer redis, LoadSettings settings, string runId)
{
    private const int MaxBuyersInFlight = 4096;

    private readonly ConcurrentQueue<string> _orders = new();
    private long _arrived;

    public IReadOnlyCollection<string> OrderIds => _orders;

    public long Arrived => Interlocked.Read(ref _arrived);

    public int OrdersWritten => _orders.Count;

    public async Task RunAsync(CancellationToken cancellation)
    {
        var random = settings.Seed is { } seed ? new Random(seed) : Random.Shared;
        var plans = Enumerable.Range(0, settings.Buyers)
            .Select(i => new BuyerPlan(
                i,
                Orders: random.NextDouble() < settings.DuplicateRatio ? random.Next(2, 4) : 1,
                ThinkMs: random.Next(settings.ThinkMinMs, settings.ThinkMaxMs + 1)))
            .ToArray();

        using var inFlight = new SemaphoreSlim(MaxBuyersInFlight);
        var tasks = new List<Task>(plans.Length);
        var clock = Stopwatch.StartNew();
        foreach (var plan in plans)
        {
            if (settings.ArrivalsPerSecond is { } rate)
            {
                var due = TimeSpan.FromSeconds(plan.Index / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellation);
                }
            }

            await inFlight.WaitAsync(cancellation);
            tasks.Add(BuyAsync(plan, inFlight, cancellation));
        }

        await Task.WhenAll(tasks);
    }

    private async Task BuyAsync(BuyerPlan plan, SemaphoreSlim inFlight, CancellationToken cancellation)
    {
        try
        {
            var db = redis.GetDatabase();
            var customer = $"c-{runId}-{plan.Index}";
            var ticket = await db.StreamAddAsync(RedisKeys.Customers, "id", customer);
            Interlocked.Increment(ref _arrived);
            if (plan.ThinkMs > 0)
            {
                await Task.Delay(plan.ThinkMs, cancellation);
            }

            var writes = new Task[plan.Orders];
            for (var k = 0; k < plan.Orders; k++)
            {
                var order = $"o-{runId}-{plan.Index}-{k}";
                _orders.Enqueue(order);
                writes[k] = db.StreamAddAsync(
                    RedisKeys.Orders, [new("id", order), new("customer", customer), new("ticket", ticket)]);
            }

            await Task.WhenAll(writes);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private sealed record BuyerPlan(int Index, int Orders, int ThinkMs);
}
