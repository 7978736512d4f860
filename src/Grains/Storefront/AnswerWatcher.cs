using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// Finds the outcomes of the orders this silo's buyers wait for in <c>sale:answered</c>: one HMGET per
/// interval for all of them, however many wait. It is the path that does not depend on any grain, so a
/// buyer is answered even when the poller skipped the customer grain or the grain's silo died.
/// An order is looked up again after half the time it has waited (at least the interval, at most a
/// second): a backlog of thousands of queued orders costs a few lookups each, not one per interval.
/// Orders are watched by their identity, customer and order id (<see cref="RedisKeys.AnswerField"/>): another
/// customer's order with the same id is another order, and its answer is never this one's.
/// </summary>
public sealed partial class AnswerWatcher(
    WebOrderStore store,
    IOptions<StorefrontOptions> options,
    ILogger<AnswerWatcher> logger) : BackgroundService
{
    private const int FieldsPerLookup = 1000;
    private const long MaxRecheckMs = 1000;

    private readonly ConcurrentDictionary<string, Watch> _watches = new(StringComparer.Ordinal);
    private bool _failing;

    public int Watching => _watches.Count;

    /// <summary>The order's outcome once it is in sale:answered, or null when the timeout comes first.</summary>
    public async Task<OrderResult?> WaitAsync(string customerId, string orderId, TimeSpan timeout)
    {
        var until = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var watch = _watches.AddOrUpdate(RedisKeys.AnswerField(customerId, orderId), static (_, until) => new Watch(until), static (_, w, until) => w.Extend(until), until);
        try
        {
            return await watch.Answer.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The order's outcome came another way (the poller handed it to its customer grain): whoever waits for it here
    /// has it now, and it is not looked up. Left to the lookup, every order a grain answers kept its watch, and the
    /// timer of its wait, alive for the next interval and cost a field of the next HMGET.
    /// </summary>
    public void Settle(string customerId, string orderId, OrderResult result)
    {
        if (_watches.TryRemove(RedisKeys.AnswerField(customerId, orderId), out var watch))
        {
            watch.Answer.TrySetResult(result);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AnswerPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!_watches.IsEmpty)
            {
                await LookUpAsync();
            }
        }
    }

    private async Task LookUpAsync()
    {
        var now = Environment.TickCount64;
        var interval = (long)options.Value.AnswerPollInterval.TotalMilliseconds;
        var ids = new List<string>(Math.Min(_watches.Count, FieldsPerLookup));
        foreach (var (id, watch) in _watches)
        {
            if (watch.Until < now || watch.Answer.Task.IsCompleted)
            {
                _watches.TryRemove(new KeyValuePair<string, Watch>(id, watch));
                continue;
            }

            if (watch.NextCheck <= now)
            {
                watch.NextCheck = now + Math.Clamp((now - watch.Since) / 2, interval, MaxRecheckMs);
                ids.Add(id);
            }
        }

        try
        {
            for (var start = 0; start < ids.Count; start += FieldsPerLookup)
            {
                var chunk = ids.GetRange(start, Math.Min(FieldsPerLookup, ids.Count - start));
                var answers = await store.AnswersAsync(chunk);
                for (var i = 0; i < chunk.Count; i++)
                {
                    if (answers[i] is { } result && _watches.TryRemove(chunk[i], out var watch))
                    {
                        watch.Answer.TrySetResult(result);
                    }
                }
            }

            _failing = false;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Buyers keep waiting until their timeout (then 202); the next tick tries again.
            if (!_failing)
            {
                _failing = true;
                LogLookupFailed(ex);
            }
        }
    }

    private sealed class Watch(long until)
    {
        private long _until = until;

        public long Since { get; } = Environment.TickCount64;

        /// <summary>Read and written by the lookup loop only.</summary>
        public long NextCheck { get; set; }

        public TaskCompletionSource<OrderResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Until => Interlocked.Read(ref _until);

        public Watch Extend(long until)
        {
            long current;
            while ((current = Interlocked.Read(ref _until)) < until && Interlocked.CompareExchange(ref _until, until, current) != current)
            {
            }

            return this;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up answers of waiting storefront orders failed; retrying")]
    private partial void LogLookupFailed(Exception error);
}
