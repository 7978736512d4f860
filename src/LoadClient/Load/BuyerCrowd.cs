using System.Collections.Concurrent;
using System.Diagnostics;
using PopupStore.Core.Redis;
using PopupStore.LoadClient.Load.Profiles;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// Carries out a profile's plan: each customer arrives in queue:customers (its entry id is the ticket) at its time,
/// then writes its orders in queue:orders. A resubmission is written only while none of the customer's earlier
/// orders is answered (one HMGET on sale:answered). Through the storefront (<paramref name="storefront"/>), a
/// buyer posts its orders instead, and the customer grain registers the arrival.
/// </summary>
public sealed class BuyerCrowd(IConnectionMultiplexer redis, LoadSettings settings, string runId, StorefrontClient? storefront = null)
{
    private const int MaxBuyersInFlight = 4096;

    private readonly ConcurrentQueue<string> _orders = new();
    private long _arrived;
    private long _resubmitted;
    private int _customers;

    public IReadOnlyCollection<string> OrderIds => _orders;

    public long Arrived => Interlocked.Read(ref _arrived);

    public int OrdersWritten => _orders.Count;

    /// <summary>Orders written because an earlier one had no answer yet (profile <c>retry</c>).</summary>
    public long Resubmitted => Interlocked.Read(ref _resubmitted);

    /// <summary>Customers in the plan (buyers plus bots); 0 until the plan is made.</summary>
    public int Customers => Volatile.Read(ref _customers);

    public async Task RunAsync(CancellationToken cancellation)
    {
        var random = settings.Seed is { } seed ? new Random(seed) : Random.Shared;
        var plans = settings.EffectiveProfile.Plan(settings, random);
        Volatile.Write(ref _customers, plans.Count);

        using var inFlight = new SemaphoreSlim(MaxBuyersInFlight);
        var tasks = new List<Task>(plans.Count);
        var clock = Stopwatch.StartNew();
        foreach (var plan in plans)
        {
            // Read the clock once: read twice, the wait could turn negative in between.
            var wait = plan.ArriveAt - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation);
            }

            await inFlight.WaitAsync(cancellation);
            tasks.Add(BuyAsync(plan, inFlight, cancellation));
        }

        await Task.WhenAll(tasks);
    }

    private async Task BuyAsync(BuyerPlan plan, SemaphoreSlim inFlight, CancellationToken cancellation)
    {
        var holdsSlot = true;
        try
        {
            var db = redis.GetDatabase();
            var customer = $"c-{runId}-{plan.Key}";
            var ticket = storefront is null ? await db.StreamAddAsync(RedisKeys.Customers, "id", customer) : RedisValue.Null;
            Interlocked.Increment(ref _arrived);
            var arrived = Stopwatch.StartNew();

            var written = new List<RedisValue>(plan.Orders.Count);
            foreach (var step in plan.Orders.GroupBy(o => (o.At, o.OnlyIfUnanswered)).OrderBy(g => g.Key.At))
            {
                if (step.Key.OnlyIfUnanswered && holdsSlot)
                {
                    // Waiting for an answer must not hold back the arrivals behind this buyer.
                    inFlight.Release();
                    holdsSlot = false;
                }

                if (step.Key.At > arrived.Elapsed)
                {
                    await Task.Delay(step.Key.At - arrived.Elapsed, cancellation);
                }

                if (step.Key.OnlyIfUnanswered && written.Count > 0
                    && (await db.HashGetAsync(RedisKeys.Answered, [.. written.Select(order => (RedisValue)RedisKeys.AnswerField(customer, (string)order!))])).Any(answer => answer.HasValue))
                {
                    return;
                }

                var writes = new List<Task>();
                foreach (var _ in step)
                {
                    var order = $"o-{runId}-{plan.Key}-{written.Count}";
                    written.Add(order);
                    if (step.Key.OnlyIfUnanswered)
                    {
                        Interlocked.Increment(ref _resubmitted);
                    }

                    if (storefront is not null)
                    {
                        writes.Add(PostAsync(storefront, order, customer, cancellation));
                        continue;
                    }

                    _orders.Enqueue(order);
                    writes.Add(db.StreamAddAsync(
                        RedisKeys.Orders, [new("id", order), new("customer", customer), new("ticket", ticket)]));
                }

                await Task.WhenAll(writes);
            }
        }
        finally
        {
            if (holdsSlot)
            {
                inFlight.Release();
            }
        }
    }

    /// <summary>Only an order the storefront took is written, and so owed an outcome; a refused one (429) is not.</summary>
    private async Task PostAsync(StorefrontClient client, string order, string customer, CancellationToken cancellation)
    {
        if (await client.OrderAsync(order, customer, cancellation))
        {
            _orders.Enqueue(order);
        }
    }
}
