using System.Threading.Channels;
using PopupStore.Core.Durability;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// Coalesces the completions a process asks for at the same moment into one script call each, so a
/// crowd costs Redis one EVALSHA per batch instead of one per order. It never waits to fill a batch:
/// whatever is queued when a call slot frees up goes out, so a lone order goes out at once.
/// </summary>
public sealed class CompletionBatcher : IOrderCompletion, IAsyncDisposable
{
    private readonly OrderCompleter _completer;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots;
    private readonly Task _loop;

    // The earlier arrivals an order waits for are in batches already on their way: decided within milliseconds.
    private static readonly TimeSpan QueuedRetryDelay = TimeSpan.FromMilliseconds(2);

    // Unless they are held by a silo that died, and only a poller can claim them: past this the caller gets
    // OrderQueuedException, so that no poller sits on a waiting batch while the orders it waits for need claiming.
    public static readonly TimeSpan DefaultQueuedWaitLimit = TimeSpan.FromMilliseconds(500);

    private readonly long _queuedWaitLimitMs;

    public CompletionBatcher(
        IConnectionMultiplexer redis, int maxBatch = 256, int callsInFlight = 4, AnswerDurability? durability = null, TimeSpan? queuedWaitLimit = null)
    {
        _completer = new OrderCompleter(redis, durability);
        _maxBatch = maxBatch;
        _queuedWaitLimitMs = (long)(queuedWaitLimit ?? DefaultQueuedWaitLimit).TotalMilliseconds;
        _slots = new SemaphoreSlim(callsInFlight);
        _loop = Task.Run(SendLoopAsync);
    }

    public Task<OrderOutcome> CompleteAsync(OrderRequest order)
    {
        var pending = new Pending(order, new TaskCompletionSource<OrderOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Environment.TickCount64);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(CompletionBatcher));
        }

        return pending.Answer.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _slots.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }

            _ = SendAsync(batch);
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        var released = false;
        try
        {
            var (outcomes, queued, confirmation) = await _completer.DecideManyAsync(batch.ConvertAll(p => p.Order));

            // The script is done: the next batch may go while replicas confirm this one's outcomes.
            released = true;
            _slots.Release();
            await confirmation;
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i] is { } outcome)
                {
                    batch[i].Answer.TrySetResult(outcome);
                }
                else if (queued[i] && !batch[i].Order.FromStorefront
                    && Environment.TickCount64 - batch[i].Since < _queuedWaitLimitMs)
                {
                    // Earlier arrivals, in other batches, could still take the units left: it goes again with a
                    // later call, its caller still waiting. A storefront order queued is already in queue:orders.
                    _ = SendAgainAsync(batch[i]);
                }
                else
                {
                    batch[i].Answer.TrySetException(queued[i] ? new OrderQueuedException() : new SaleChangedException());
                }
            }
        }
        catch (RedisServerException ex) when (batch.Count > 1 && ScriptErrors.IsRuntimeError(ex))
        {
            // A runtime error of the script may come from one order's content: answer each order on
            // its own so the failure stays with the order that caused it, and the rest are answered.
            await Task.WhenAll(batch.Select(AnswerAloneAsync));
        }
        catch (Exception ex)
        {
            // Every order of the batch stays unanswered for its caller, who retries; orders the script
            // did answer before failing replay their outcome then.
            foreach (var pending in batch)
            {
                pending.Answer.TrySetException(ex);
            }
        }
        finally
        {
            if (!released)
            {
                _slots.Release();
            }
        }
    }

    private async Task SendAgainAsync(Pending pending)
    {
        await Task.Delay(QueuedRetryDelay);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Answer.TrySetException(new ObjectDisposedException(nameof(CompletionBatcher)));
        }
    }

    private async Task AnswerAloneAsync(Pending pending)
    {
        try
        {
            pending.Answer.TrySetResult(await _completer.CompleteAsync(pending.Order));
        }
        catch (Exception ex)
        {
            pending.Answer.TrySetException(ex);
        }
    }

    /// <param name="Since">When the order was first handed in (<see cref="Environment.TickCount64"/>).</param>
    private sealed record Pending(OrderRequest Order, TaskCompletionSource<OrderOutcome> Answer, long Since);
}
