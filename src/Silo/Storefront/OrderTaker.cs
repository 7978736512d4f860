using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PopupStore.Core.Orders;
using PopupStore.Core.Web;
using PopupStore.Grains;
using PopupStore.Grains.WebOrders;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// Hands a buyer's order to its customer grain and waits for the answer, at most AnswerTimeout. When the
/// grain cannot be reached (its silo died, a call timed out) Redis says whether the order was written:
/// written means the answer comes anyway and is watched for here; not written means one more try, through
/// a fresh activation. Never writes an order itself, so a retry can never make a second one.
/// </summary>
public sealed partial class OrderTaker(
    IGrainFactory grains,
    WebOrderStore store,
    AnswerWatcher watcher,
    IOptions<StorefrontOptions> options,
    IOptions<SiloMessagingOptions> messaging,
    ILogger<OrderTaker> logger)
{
    private const int Attempts = 2;

    /// <summary>The answer, or null when the order could not be taken now (nothing was written).</summary>
    public async Task<WebOrderAnswer?> TakeAsync(string orderId, string customerId)
    {
        var answerTimeout = options.Value.AnswerTimeout;
        var deadline = DateTime.UtcNow + answerTimeout;

        // A grain call longer than the response timeout would be cut off by Orleans: wait in slices.
        var slice = TimeSpan.FromTicks(Math.Min(answerTimeout.Ticks, messaging.Value.ResponseTimeout.Ticks * 3 / 4));
        var written = false;
        for (var attempt = 1; attempt <= Attempts && !written; attempt++)
        {
            var wait = Min(slice, deadline - DateTime.UtcNow);
            try
            {
                var answer = await grains.GetGrain<ICustomerGrain>(customerId)
                    .PlaceWebOrder(new WebOrder(orderId, wait))
                    .AsTask()
                    .WaitAsync(wait + TimeSpan.FromSeconds(1));
                if (answer.State != WebOrderState.Pending)
                {
                    return answer;
                }

                written = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogGrainFailed(ex, orderId, customerId, attempt);
                var seen = await store.LookupAsync(orderId);
                if (seen.Customer is { } owner && owner != customerId)
                {
                    return new WebOrderAnswer(WebOrderState.Conflict, Owner: owner);
                }

                if (seen.Result is { } result)
                {
                    return WebOrderAnswer.Decided(result);
                }

                written = seen.Customer is not null;
            }
        }

        if (!written)
        {
            return null;
        }

        var rest = deadline - DateTime.UtcNow;
        if (rest > TimeSpan.Zero && await watcher.WaitAsync(orderId, rest) is { } late)
        {
            return WebOrderAnswer.Decided(late);
        }

        return WebOrderAnswer.Pending;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a > TimeSpan.Zero ? a : TimeSpan.Zero) : (b > TimeSpan.Zero ? b : TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storefront order {OrderId} of {CustomerId}: the customer grain failed (attempt {Attempt}); asking Redis")]
    private partial void LogGrainFailed(Exception error, string orderId, string customerId, int attempt);
}
