using PopupStore.Core.Orders;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Grains.Orders;

/// <summary>
/// Sorts the failures of an order's processing into those the entry itself may have caused (they count
/// toward MaxDeliveries, after which the entry is answered invalid) and everything else. The parser has
/// already judged the entry's content, so nearly every failure is of the second kind: Redis refusing
/// writes (OOM, MISCONF, NOPERM, READONLY, ...), a connection or call lost, a silo gone, a sale changed.
/// Those must never turn a well-formed order into an invalid one; they only delay its answer.
/// </summary>
public static class FailureCause
{
    public static bool IsOutsideTheEntry(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsOutsideTheEntry(aggregate.InnerExceptions[0]),
        RoutedOrderException routed => routed.OutsideTheEntry,
        SaleChangedException or OrderQueuedException or TimeoutException or ObjectDisposedException => true,

        // A call cancelled (a silo shutting down, a caller giving up) says nothing about the entry either.
        OperationCanceledException => true,
        RedisServerException server => !ScriptErrors.IsRuntimeError(server),
        RedisException => true,

        // Messages that could not be delivered or answered: a silo died or is shutting down.
        OrleansException => true,

        // An exception thrown inside a grain arrives as Orleans' fallback when its type cannot be
        // deserialized as itself; its original type name is still known.
        Orleans.Serialization.UnavailableExceptionFallbackException fallback => IsOutsideTheEntry(fallback.ExceptionType),
        _ => false,
    };

    /// <summary>
    /// The order was not decided because earlier arrivals could still take every unit left: it waits, which is
    /// neither the entry's fault nor a failure of Redis or the cluster.
    /// </summary>
    public static bool IsQueued(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsQueued(aggregate.InnerExceptions[0]),
        OrderQueuedException => true,
        RoutedOrderException routed => routed.OriginalType == nameof(OrderQueuedException),
        Orleans.Serialization.UnavailableExceptionFallbackException fallback => fallback.ExceptionType?.EndsWith(nameof(OrderQueuedException), StringComparison.Ordinal) == true,
        _ => false,
    };

    /// <summary>A short label for metrics and logs: the Redis error code, or the exception's type.</summary>
    public static string Name(Exception error) => error switch
    {
        RedisServerException server when server.Message.Split(' ', 2)[0] is { Length: > 0 } code
            && code.All(c => char.IsAsciiLetterUpper(c)) => code,
        Orleans.Serialization.UnavailableExceptionFallbackException { ExceptionType: { } type } => type.Split('.')[^1],
        _ => TypeName(error),
    };

    /// <summary>The exception's type name; for a routed failure, the type the customer grain threw.</summary>
    public static string TypeName(Exception error) => error is RoutedOrderException routed ? routed.OriginalType : error.GetType().Name;

    private static bool IsOutsideTheEntry(string? typeName) =>
        typeName is not null
        && (typeName.Contains("StackExchange.Redis", StringComparison.Ordinal)
            || typeName.Contains(nameof(TimeoutException), StringComparison.Ordinal)
            || typeName.Contains(nameof(SaleChangedException), StringComparison.Ordinal)
            || typeName.Contains(nameof(OrderQueuedException), StringComparison.Ordinal)
            || typeName.Contains("AnswerNotConfirmedException", StringComparison.Ordinal)
            || typeName.Contains("CanceledException", StringComparison.Ordinal)
            || typeName.StartsWith("Orleans.", StringComparison.Ordinal));
}
