using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Grains.Placement;
using PopupStore.Grains.Sales;
using PopupStore.Grains.Telemetry;
using StackExchange.Redis;

namespace PopupStore.Grains.Orders;

/// <summary>
/// Reads queue:orders as one consumer of group <c>popup</c> and fans each batch out to customer grains. The
/// completion script acknowledges and deletes an entry in the same step that stores its outcome; the poller
/// acknowledges only what needs none (an entry deleted while pending). Anything that fails stays pending and is
/// read again, by this poller or, if its silo dies, by a poller that claims it.
/// </summary>
[PreferLocalPlacement]
public sealed partial class OrderPollerGrain(
    OrderQueue queue,
    IOrderCompletion completion,
    RoutingDispatcher dispatcher,
    SaleSignals signals,
    IOptions<OrderProcessingOptions> options,
    ILocalSiloDetails silo,
    ILogger<OrderPollerGrain> logger) : Grain, IOrderPollerGrain
{
    private readonly OrderProcessingOptions _options = options.Value;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private bool _rereadPending = true;
    private long _retryAt;
    private long _nextClaimAt;
    private long _answered;
    private long _claimed;
    private long _failed;
    private bool _redisDown;
    private IGrainTimer? _timer;
    private TimeSpan _pollDelay;
    private long _lastFoundAt;

    private const long QuietBeforeBackoffMs = 250;

    private string Consumer => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // PreferLocalPlacement falls back to another silo while this one shuts down; a poller named
        // for a different silo must not consume, or two silos would share one consumer name.
        if (!PollerNames.BelongsTo(Consumer, silo.SiloAddress))
        {
            LogForeignActivation(Consumer, silo.SiloAddress);
            DeactivateOnIdle();
            return Task.CompletedTask;
        }

        _pollDelay = _options.PollInterval;
        _timer = this.RegisterGrainTimer(
            static (grain, cancellation) => grain.TickAsync(cancellation),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = TimeSpan.Zero,
                Period = _options.PollInterval,
                Interleave = false,
                KeepAlive = true,
            });
        LogStarted(Consumer);
        return Task.CompletedTask;
    }

    public ValueTask Start() => ValueTask.CompletedTask;

    public ValueTask<PollerStats> GetStats() => ValueTask.FromResult(new PollerStats(Consumer, _answered, _claimed, _failed));

    private async Task TickAsync(CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (_rereadPending && Environment.TickCount64 >= _retryAt)
            {
                await DrainOwnPendingAsync(watch, cancellation);
            }

            if (Environment.TickCount64 >= _nextClaimAt)
            {
                _nextClaimAt = Environment.TickCount64 + (long)_options.ClaimInterval.TotalMilliseconds;
                await ClaimOrphansAsync(watch, cancellation);
            }

            var found = false;
            while (!cancellation.IsCancellationRequested && watch.Elapsed < _options.MaxTickDuration)
            {
                var batch = await queue.ReadNewAsync(Consumer, _options.BatchSize);
                if (batch.Length == 0)
                {
                    break;
                }

                found = true;
                await ProcessAsync(batch.Entries, batch.Generation, batch.ReadAt);
                if (batch.Length < _options.BatchSize)
                {
                    break;
                }
            }

            AdjustPolling(found);
            if (_redisDown)
            {
                _redisDown = false;
                LogRedisBack(Consumer);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Whatever was read stays pending; the next tick re-reads it once Redis answers again.
            _rereadPending = true;
            if (!_redisDown)
            {
                _redisDown = true;
                LogRedisDown(ex, Consumer);
            }
        }
    }

    /// <summary>
    /// Reads every PollInterval while orders flow, and backs off (doubling, up to MaxPollInterval) once
    /// the stream has stayed empty for a quarter of a second: an idle sale then costs a silo a few reads
    /// a second instead of hundreds, and the first order after a lull waits at most MaxPollInterval.
    /// Several pollers share the stream, so one empty read alone says nothing about the crowd.
    /// </summary>
    private void AdjustPolling(bool found)
    {
        var now = Environment.TickCount64;
        if (found)
        {
            _lastFoundAt = now;
        }

        var next = now - _lastFoundAt < QuietBeforeBackoffMs
            ? _options.PollInterval
            : TimeSpan.FromTicks(Math.Min(_options.MaxPollInterval.Ticks, _pollDelay.Ticks * 2));
        if (next != _pollDelay)
        {
            _pollDelay = next;
            _timer?.Change(next, next);
        }
    }

    private async Task DrainOwnPendingAsync(Stopwatch watch, CancellationToken cancellation)
    {
        // Cleared before reading, not after: an entry that fails again while being re-read sets it
        // again, and must be retried by this poller (which counts its failures) instead of waiting
        // to be claimed by another poller that would start counting from zero.
        _rereadPending = false;
        var after = "0-0";
        while (true)
        {
            if (cancellation.IsCancellationRequested || watch.Elapsed >= _options.MaxTickDuration)
            {
                _rereadPending = true;
                return;
            }

            var batch = await queue.ReadPendingAsync(Consumer, after, _options.BatchSize);
            if (batch.Length == 0)
            {
                return;
            }

            LogRereading(Consumer, batch.Length);
            after = batch.Entries[^1].Id.ToString();
            await ProcessAsync(batch.Entries, batch.Generation, batch.ReadAt);
        }
    }

    private async Task ClaimOrphansAsync(Stopwatch watch, CancellationToken cancellation)
    {
        var start = "0-0";
        do
        {
            var (claim, generation, readAt) = await queue.ClaimIdleAsync(Consumer, _options.ClaimIdleTime, start, _options.BatchSize);
            if (claim.IsNull)
            {
                return;
            }

            if (claim.ClaimedEntries.Length > 0)
            {
                _claimed += claim.ClaimedEntries.Length;
                PopupMetrics.RecordClaims(claim.ClaimedEntries.Length);
                LogClaimed(Consumer, claim.ClaimedEntries.Length);
                await ProcessAsync(claim.ClaimedEntries, generation, readAt);
            }

            start = claim.NextStartId.ToString();
        }
        while (start != "0-0" && !cancellation.IsCancellationRequested && watch.Elapsed < _options.MaxTickDuration);

        PopupMetrics.SetPending(await queue.PendingCountAsync());
    }

    private async Task ProcessAsync(StreamEntry[] batch, long generation, long readAt)
    {
        PopupMetrics.RecordBatch(batch.Length);
        var answers = new Task<OrderOutcome>?[batch.Length];
        var requests = new OrderRequest?[batch.Length];
        var unknownIds = false;
        var toGrains = new List<OrderRequest>(batch.Length);
        var toGrainsAt = new List<int>(batch.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            var entry = batch[i];
            if (entry.Id.IsNullOrEmpty)
            {
                // Redis 6.2's XAUTOCLAIM returns an entry deleted while pending as a null without its id:
                // the claim moved its pending reference here, and re-reading our own pending entries
                // (which do carry ids) is how that reference gets acknowledged.
                unknownIds = true;
                continue;
            }

            if (entry.IsNull || entry.Values is not { Length: > 0 })
            {
                // Deleted from the stream while pending: nothing is left to answer, only the pending
                // reference to drop.
                continue;
            }

            var request = OrderEntryParser.Parse(entry, generation, readAt);
            requests[i] = request;
            if (TakesFastPath(request))
            {
                answers[i] = completion.CompleteAsync(request);
            }
            else
            {
                toGrains.Add(request);
                toGrainsAt.Add(i);
            }
        }

        var dispatched = dispatcher.Dispatch(toGrains);
        for (var k = 0; k < dispatched.Length; k++)
        {
            answers[toGrainsAt[k]] = dispatched[k];
        }

        var done = new List<RedisValue>(batch.Length);
        var retry = unknownIds;
        Exception? delayedBy = null;
        var delayed = 0;
        var queued = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var id = batch[i].Id;
            if (answers[i] is not { } answer)
            {
                if (!id.IsNullOrEmpty)
                {
                    done.Add(id);
                }

                continue;
            }

            try
            {
                // Acknowledged and deleted by the completion script with its outcome.
                var outcome = await answer;
                Answered(requests[i]!, outcome);
            }
            catch (Exception ex) when (FailureCause.IsQueued(ex))
            {
                // Earlier arrivals still undecided could take every unit left: the entry waits behind them, pending,
                // and is read again after RetryDelay. Not a failure, and this tick is free to end meanwhile.
                queued++;
                retry = true;
            }
            catch (Exception ex)
            {
                // Every failure, a cancelled call included, stays with its own entry, whatever happened to the
                // answered entries around it.
                _failed++;
                if (FailureCause.IsOutsideTheEntry(ex))
                {
                    // Redis refusing writes, a silo or call lost, a sale changed under the order: none of
                    // it says anything about the entry. It stays pending and is answered once things heal.
                    delayedBy ??= ex;
                    delayed++;
                    retry = true;
                }
                else if (!await GiveUpAsync(requests[i]!, ex))
                {
                    retry = true;
                }
            }
        }

        if (delayedBy is not null)
        {
            PopupMetrics.RecordDelayed(delayed, FailureCause.Name(delayedBy));
            LogDelayed(delayedBy, Consumer, delayed, batch.Length);
        }

        if (queued > 0)
        {
            PopupMetrics.RecordWaiting(queued);
            LogQueued(Consumer, queued, batch.Length);
        }

        await queue.AcknowledgeAsync(done);
        if (retry)
        {
            // A short pause before the retry gives a dying silo time to be declared dead or Redis
            // time to come back; it stays well under ClaimIdleTime so nobody else claims the entry.
            _rereadPending = true;
            _retryAt = Environment.TickCount64 + (long)_options.RetryDelay.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Orders that can only be rejected skip the customer grain and go straight to the script, which still
    /// decides them: after this silo saw the stock of their sale run out, or when they arrived outside the
    /// sale's window. A stale hint only costs or saves a grain call.
    /// </summary>
    private bool TakesFastPath(OrderRequest request) =>
        !request.IsValid || signals.IsSoldOut(request) || signals.ArrivedOutsideWindow(request);

    private void Answered(OrderRequest request, OrderOutcome outcome)
    {
        _answered++;
        _failures.Remove(request.EntryId);
        signals.Observe(request, outcome.Result);
        var latency = StreamIds.Milliseconds(request.EntryId) is { } arrived
            ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - arrived
            : (long?)null;
        PopupMetrics.RecordOutcome(outcome, latency);
    }

    /// <summary>
    /// Counts a failure that came from the entry's own processing; past MaxDeliveries the entry is
    /// answered invalid so it stops blocking anything. Its ticket goes with the answer, so the customer
    /// does not stay in queue:customers.
    /// </summary>
    private async Task<bool> GiveUpAsync(OrderRequest request, Exception error)
    {
        var attempts = _failures[request.EntryId] = _failures.GetValueOrDefault(request.EntryId) + 1;
        if (attempts < _options.MaxDeliveries)
        {
            LogAttemptFailed(error, request.EntryId, request.OrderId, attempts);
            return false;
        }

        var reason = $"failed {attempts} times: {FailureCause.TypeName(error)}";
        try
        {
            var outcome = await completion.CompleteAsync(request with { InvalidReason = reason });
            Answered(request, outcome);
            LogPoisoned(request.EntryId, request.OrderId, attempts);
            return true;
        }
        catch (Exception ex)
        {
            LogAttemptFailed(ex, request.EntryId, request.OrderId, attempts);
            return false;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller {Consumer} started")]
    private partial void LogStarted(string consumer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poller {Consumer} was activated on {Silo}, which does not own it; it stays idle")]
    private partial void LogForeignActivation(string consumer, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller {Consumer} re-reads {Count} pending entries")]
    private partial void LogRereading(string consumer, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poller {Consumer} claimed {Count} entries idle in other consumers")]
    private partial void LogClaimed(string consumer, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entry {EntryId} (order {OrderId}) failed, attempt {Attempt}; it stays pending")]
    private partial void LogAttemptFailed(Exception error, string entryId, string orderId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poller {Consumer}: {Delayed} of {BatchSize} orders delayed by a Redis or cluster failure; they stay pending and are retried")]
    private partial void LogDelayed(Exception error, string consumer, int delayed, int batchSize);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Poller {Consumer}: {Queued} of {BatchSize} orders wait behind earlier arrivals; they stay pending and are read again")]
    private partial void LogQueued(string consumer, int queued, int batchSize);

    [LoggerMessage(Level = LogLevel.Error, Message = "Entry {EntryId} (order {OrderId}) failed {Attempts} times; answered invalid and moved aside")]
    private partial void LogPoisoned(string entryId, string orderId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poller {Consumer} cannot reach Redis; retrying")]
    private partial void LogRedisDown(Exception error, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Poller {Consumer} reaches Redis again")]
    private partial void LogRedisBack(string consumer);
}
