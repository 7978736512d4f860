using System.Collections.Concurrent;
using System.Diagnostics;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// What stream producers are told: a reader following queue:complete and queue:rejected through the Sentinels as a
/// producer would, keeping the first outcome it read per order. With <c>durable</c> it reads only entries dated before
/// the time in <c>sale:confirmed</c> (known to be on a replica), as docs/guarantees.md tells producers to; without, it
/// reads everything, as a producer unaware of replication would.
/// </summary>
public sealed class AnswerWatcher(IConnectionMultiplexer redis, bool durable, Stopwatch clock)
{
    public static readonly RedisKey Confirmed = "sale:confirmed";

    private readonly ConcurrentDictionary<string, Told> _told = new(StringComparer.Ordinal);
    private string _afterComplete = "0-0";
    private string _afterRejected = "0-0";

    /// <summary>Order id -> the first outcome read for it.</summary>
    public IReadOnlyDictionary<string, Told> TellsByOrder => _told;

    /// <summary>Reads until cancelled; errors while Redis fails over are waited out.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await ReadOnceAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
            }

            try
            {
                await Task.Delay(100, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over both streams, from where the last pass stopped.</summary>
    public async Task ReadOnceAsync()
    {
        var db = redis.GetDatabase();
        var bound = "+";
        if (durable)
        {
            var confirmed = (string?)await db.StringGetAsync(Confirmed);
            if (confirmed is null)
            {
                return;
            }

            // Dated before the confirmed time: ids below <confirmed>-0, the end exclusive.
            bound = $"({confirmed}-0";
        }

        _afterComplete = await ReadAsync(db, RedisKeys.Complete, _afterComplete, bound, complete: true);
        _afterRejected = await ReadAsync(db, RedisKeys.Rejected, _afterRejected, bound, complete: false);
    }

    private async Task<string> ReadAsync(IDatabase db, RedisKey stream, string after, string bound, bool complete)
    {
        while (true)
        {
            var page = await db.StreamRangeAsync(stream, "(" + after, bound, count: 2000);
            foreach (var entry in page)
            {
                var order = (string?)entry["order"] ?? string.Empty;
                var outcome = complete ? "complete" : (string?)entry["reason"] ?? "invalid";
                _told.TryAdd(order, new Told((string?)entry["customer"] ?? string.Empty, order, outcome, clock.Elapsed));
            }

            if (page.Length < 2000)
            {
                return page.Length == 0 ? after : page[^1].Id.ToString();
            }

            after = page[^1].Id.ToString();
        }
    }
}
