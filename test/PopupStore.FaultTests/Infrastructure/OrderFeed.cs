using System.Collections.Concurrent;
using System.Diagnostics;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// Writes well-formed orders straight into queue:orders (the contract any producer follows) at a steady
/// pace, and remembers which writes Redis acknowledged and when, so a test can tell an order Redis
/// confirmed from one it may have lost.
/// </summary>
public sealed class OrderFeed(IConnectionMultiplexer redis, string prefix)
{
    private readonly ConcurrentDictionary<string, TimeSpan> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _failed = [];

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>Order id -> time (on <see cref="Clock"/>) Redis acknowledged its XADD.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Acknowledged => _acknowledged;

    /// <summary>Orders whose XADD failed (Redis down): the producer knows they were not taken.</summary>
    public IReadOnlyCollection<string> Failed => _failed;

    public static string OrderId(string prefix, int i) => $"{prefix}-o{i}";

    /// <summary>The customer of the <paramref name="i"/>th order: every fifth customer orders twice.</summary>
    public static string CustomerId(string prefix, int i) => i % 5 == 4 ? $"{prefix}-c{i - 1}" : $"{prefix}-c{i}";

    /// <summary>The field of <c>sale:answered</c> that holds the answer of an order this feed wrote.</summary>
    public string AnswerField(string orderId) =>
        RedisKeys.AnswerField(CustomerId(prefix, int.Parse(orderId[(prefix.Length + 2)..], System.Globalization.CultureInfo.InvariantCulture)), orderId);

    /// <summary>
    /// Writes orders <paramref name="first"/> to <paramref name="first"/> + <paramref name="orders"/> - 1 in
    /// chunks, one chunk every <paramref name="every"/>. Every fifth customer orders twice (the second is a duplicate).
    /// </summary>
    public async Task WriteAsync(int orders, int chunk, TimeSpan every, int first = 0, CancellationToken cancellation = default)
    {
        for (var start = first; start < first + orders && !cancellation.IsCancellationRequested; start += chunk)
        {
            var next = Clock.Elapsed + every;
            await WriteChunkAsync(start, Math.Min(chunk, first + orders - start));
            var wait = next - Clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }

    /// <summary>Writes orders <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 in one batch.</summary>
    public async Task WriteChunkAsync(int first, int count)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>(count);
        for (var i = first; i < first + count; i++)
        {
            var order = OrderId(prefix, i);
            var customer = CustomerId(prefix, i);
            writes.Add(Track(order, batch.StreamAddAsync(RedisKeys.Orders, [new("id", order), new("customer", customer)])));
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    private async Task Track(string order, Task<RedisValue> write)
    {
        try
        {
            await write;
            _acknowledged[order] = Clock.Elapsed;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _failed.Add(order);
        }
    }
}
