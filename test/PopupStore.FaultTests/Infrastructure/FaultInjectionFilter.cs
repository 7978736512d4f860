using System.Collections.Concurrent;
using PopupStore.Core.Orders;
using PopupStore.Grains;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// Test-only incoming call filter on customer grains, keyed by customer id prefix so a test picks its
/// victims by naming them:
/// <list type="bullet">
/// <item><c>poison-*</c>: every call throws, as a bug triggered by one entry would.</item>
/// <item><c>stall-*</c>: the first call for each order is held longer than the response timeout and then
/// goes on (it still completes the order), so the poller sees a timeout and delivers again while the
/// first attempt is still running.</item>
/// <item><c>late-*</c>: the first call for each order completes it in Redis, then its answer is held past
/// the response timeout: the outcome is stored but the poller never hears of it and delivers again.</item>
/// <item><c>hold-*</c>: the first call for each order waits until the test releases it (<see cref="Release"/>), at
/// most <see cref="HoldLimit"/>, which is under the response timeout: its caller still takes the answer and goes on
/// with the order as it read it, so the test can change the sale under an order in flight.</item>
/// <item><c>cancel-*</c>: the first call for each order is cancelled (OperationCanceledException), as a call cut off
/// by a shutdown or a caller's cancellation is; later calls go through.</item>
/// </list>
/// </summary>
public sealed class FaultInjectionFilter : IIncomingGrainCallFilter
{
    public const string PoisonPrefix = "poison-";
    public const string StallPrefix = "stall-";
    public const string LatePrefix = "late-";
    public const string HoldPrefix = "hold-";
    public const string CancelPrefix = "cancel-";

    public static readonly TimeSpan Stall = InProcessCluster.ResponseTimeout + TimeSpan.FromSeconds(1.5);

    public static readonly TimeSpan HoldLimit = InProcessCluster.ResponseTimeout / 2;

    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> Holds = new(StringComparer.Ordinal);

    /// <summary>Calls that reached a customer grain, per order id (the stalled ones count too).</summary>
    public static int CallsFor(string orderId) => Calls.GetValueOrDefault(orderId);

    /// <summary>
    /// Lets the held first call for this order go on. False when its hold had already run out: the call went on by
    /// itself, so it was not held up to now.
    /// </summary>
    public static bool Release(string orderId) => HoldOf(orderId).TrySetResult(true);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain && context.Request.GetArgument(0) is OrderRequest order)
        {
            var call = Calls.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1);
            if (order.CustomerId.StartsWith(PoisonPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"injected failure for customer {order.CustomerId}");
            }

            if (order.CustomerId.StartsWith(CancelPrefix, StringComparison.Ordinal) && call == 1)
            {
                throw new OperationCanceledException($"injected cancellation for customer {order.CustomerId}");
            }

            if (order.CustomerId.StartsWith(StallPrefix, StringComparison.Ordinal) && call == 1)
            {
                await Task.Delay(Stall);
            }

            if (order.CustomerId.StartsWith(HoldPrefix, StringComparison.Ordinal) && call == 1)
            {
                var hold = HoldOf(order.OrderId);
                await Task.WhenAny(hold.Task, Task.Delay(HoldLimit));
                hold.TrySetResult(false);
            }
        }

        await context.Invoke();

        if (context.Grain is ICustomerGrain && context.Request.GetArgument(0) is OrderRequest answered
            && answered.CustomerId.StartsWith(LatePrefix, StringComparison.Ordinal) && CallsFor(answered.OrderId) == 1)
        {
            await Task.Delay(Stall);
        }
    }

    private static TaskCompletionSource<bool> HoldOf(string orderId) =>
        Holds.GetOrAdd(orderId, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
