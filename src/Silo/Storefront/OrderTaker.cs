using System.Diagnostics;
using Microsoft.Extensions.Options;
using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using PopupStore.Grains.Storefront;
using PopupStore.Grains.Telemetry;
using StackExchange.Redis;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// Takes a buyer's order on the silo that holds the request: it goes into this silo's next completion batch, where
/// one script call writes its entries and decides it (docs/storefront.md, "How an order is taken"). The order is
/// identified by its customer and order id, so sending it again, to any silo, replays its answer and writes nothing.
/// Redis refusing or unreachable is retried until AnswerTimeout; a call still on its way then is answered 202.
/// </summary>
public sealed partial class OrderTaker(
    IOrderCompletion completion,
    WebOrderStore store,
    IOptions<StorefrontOptions> options,
    ILogger<OrderTaker> logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The order's outcome, or Pending when it is not decided within AnswerTimeout.</summary>
    /// <exception cref="RedisException">Redis kept refusing or failing until AnswerTimeout: nothing is held for the order.</exception>
    public async Task<WebOrderAnswer> TakeAsync(string orderId, string customerId)
    {
        var settings = options.Value;
        var started = Stopwatch.GetTimestamp();
        TimeSpan Rest() => settings.AnswerTimeout - Stopwatch.GetElapsedTime(started);
        var order = OrderRequest.Storefront(orderId, customerId);
        var delay = FirstRetryDelay;
        while (true)
        {
            var taking = completion.CompleteAsync(order);
            try
            {
                var outcome = await taking.WaitAsync(Rest() > TimeSpan.Zero ? Rest() : TimeSpan.Zero);

                // Counted with the stream orders the pollers answer, from the request's arrival at this silo.
                PopupMetrics.RecordOutcome(outcome, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return WebOrderAnswer.Decided(outcome.Result);
            }
            catch (TimeoutException) when (!taking.IsCompleted)
            {
                // Still on its way to Redis (a slow or paused server, replicas catching up): it is taken when the call
                // runs, and the buyer follows Location.
                return WebOrderAnswer.Pending;
            }
            catch (Exception ex) when (ex is OrderQueuedException or SaleChangedException)
            {
                // It waits in queue:orders for a poller: behind earlier orders that could take the units left (first come,
                // first served), or left written and unanswered by a call that failed half way.
                return await AwaitPollerAsync(orderId, customerId, Rest, settings.AnswerPollInterval);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && Rest() > delay)
            {
                // Sending it again is safe: an order already decided replays its outcome.
                LogRetrying(ex, orderId, customerId, delay.TotalMilliseconds);
                await Task.Delay(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
            }
        }
    }

    private async Task<WebOrderAnswer> AwaitPollerAsync(string orderId, string customerId, Func<TimeSpan> rest, TimeSpan interval)
    {
        var field = RedisKeys.AnswerField(customerId, orderId);
        while (true)
        {
            if ((await store.AnswersAsync([field]))[0] is { } result)
            {
                return WebOrderAnswer.Decided(result);
            }

            if (rest() <= interval)
            {
                return WebOrderAnswer.Pending;
            }

            await Task.Delay(interval);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storefront order {OrderId} of {CustomerId}: Redis did not take it; sending it again in {DelayMs} ms")]
    private partial void LogRetrying(Exception error, string orderId, string customerId, double delayMs);
}
