using PopupStore.Core.Orders;

namespace PopupStore.Core.Outcomes;

/// <summary>One entry of queue:complete or queue:rejected.</summary>
public sealed record AnsweredOrder(
    string OrderId,
    string CustomerId,
    OrderResult Result,
    string OrderEntryId,
    string OutcomeEntryId,
    string Detail)
{
    /// <summary>Arrival (the order's stream id) to answer (the outcome's stream id), both on Redis' clock.</summary>
    public long? LatencyMilliseconds =>
        Redis.StreamIds.Milliseconds(OrderEntryId) is { } arrived && Redis.StreamIds.Milliseconds(OutcomeEntryId) is { } answered
            ? Math.Max(0, answered - arrived)
            : null;

    public long AnsweredAtMilliseconds => Redis.StreamIds.Milliseconds(OutcomeEntryId) ?? 0;
}
