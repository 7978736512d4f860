using PopupStore.Core.Orders;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// The storefront orders one customer grain activation is holding calls for, by order id. Used only
/// on the grain's own scheduler, so it needs no locking.
/// </summary>
public sealed class WebOrderWaiters
{
    // Made on the first storefront order: most customer grains only ever see stream orders, and every
    // activation of a crowd stays in memory (and in the garbage collector's way) until it is collected.
    private Dictionary<string, TaskCompletionSource<OrderResult>>? _waiting;

    public Task<OrderResult> For(string orderId)
    {
        _waiting ??= new(StringComparer.Ordinal);
        if (!_waiting.TryGetValue(orderId, out var waiter))
        {
            // Asynchronous continuations: the poller's AdmitOrder call must not run the buyer's call inline.
            waiter = new TaskCompletionSource<OrderResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[orderId] = waiter;
        }

        return waiter.Task;
    }

    /// <summary>Whether any storefront request is waiting here.</summary>
    public bool Any => _waiting is { Count: > 0 };

    public bool IsWaitingFor(string orderId) => _waiting?.ContainsKey(orderId) == true;

    public void Answer(string orderId, OrderResult result)
    {
        if (_waiting is not null && _waiting.Remove(orderId, out var waiter))
        {
            waiter.TrySetResult(result);
        }
    }

    public void Forget(string orderId) => _waiting?.Remove(orderId);
}
