using PopupStore.Core.Orders;

namespace PopupStore.Grains.WebOrders;

/// <summary>
/// The storefront orders one customer grain activation is holding calls for, by order id. Used only
/// on the grain's own scheduler, so it needs no locking.
/// </summary>
public sealed class WebOrderWaiters
{
    private readonly Dictionary<string, TaskCompletionSource<OrderResult>> _waiting = new(StringComparer.Ordinal);

    public Task<OrderResult> For(string orderId)
    {
        if (!_waiting.TryGetValue(orderId, out var waiter))
        {
            // Asynchronous continuations: the poller's PlaceOrder call must not run the buyer's call inline.
            waiter = new TaskCompletionSource<OrderResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[orderId] = waiter;
        }

        return waiter.Task;
    }

    public void Answer(string orderId, OrderResult result)
    {
        if (_waiting.Remove(orderId, out var waiter))
        {
            waiter.TrySetResult(result);
        }
    }

    public void Forget(string orderId) => _waiting.Remove(orderId);
}
