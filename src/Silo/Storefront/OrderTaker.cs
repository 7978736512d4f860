using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PopupStore.Grains.Storefront;
using PopupStore.Grains;
using PopupStore.Grains.Orders;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// Hands a buyer's order to its customer grain and waits for the answer, at most AnswerTimeout. When the
/// grain cannot be reached (its silo died or froze, the call timed out) the order is taken here instead,
/// through the same script the grain uses: it writes an order id at most once, so whether or not the grain
/// got as far as writing it, there is one entry, and its answer is watched for in Redis.
/// </summary>
public sealed partial class OrderTaker(
    CustomerGrains customers,
    WebOrderStore store,
    AnswerWatcher watcher,
    IOptions<StorefrontOptions> options,
    IOptions<SiloMessagingOptions> messaging,
    ILogger<OrderTaker> logger)
{
    public async Task<WebOrderAnswer> TakeAsync(string orderId, string customerId)
    {
        var answerTimeout = options.Value.AnswerTimeout;
        var deadline = DateTime.UtcNow + answerTimeout;

        // A grain call longer than the response timeout would be cut off by Orleans.
        var wait = TimeSpan.FromTicks(Math.Min(answerTimeout.Ticks, messaging.Value.ResponseTimeout.Ticks * 3 / 4));
        try
        {
            var answer = await customers.For(customerId)
                .PlaceWebOrder(new WebOrder(orderId, wait))
                .AsTask()
                .WaitAsync(wait + TimeSpan.FromSeconds(1));
            if (answer.State != WebOrderState.Pending)
            {
                return answer;
            }
        }
        catch (Exception ex)
        {
            // A grain call cancelled (its silo shutting down) is a grain that cannot be reached like any other.
            LogGrainFailed(ex, orderId, customerId);
            var taken = await store.SubmitAsync(orderId, customerId);
            if (taken.Status == WebOrderStatus.Answered)
            {
                return WebOrderAnswer.Decided(taken.Result!.Value);
            }
        }

        var rest = deadline - DateTime.UtcNow;
        if (rest > TimeSpan.Zero && await watcher.WaitAsync(customerId, orderId, rest) is { } late)
        {
            return WebOrderAnswer.Decided(late);
        }

        return WebOrderAnswer.Pending;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storefront order {OrderId} of {CustomerId}: the customer grain failed; taking the order directly")]
    private partial void LogGrainFailed(Exception error, string orderId, string customerId);
}
