using PopupStore.Core.Orders;

namespace PopupStore.Grains.Storefront;

/// <summary>What taking a storefront order found or did (see submit_web_order.lua).</summary>
public enum WebOrderStatus
{
    /// <summary>Written to queue:customers and queue:orders just now.</summary>
    Written,

    /// <summary>Taken before and still waiting for its outcome; nothing written.</summary>
    Pending,

    /// <summary>Already answered; <see cref="WebOrderSubmission.Result"/> holds the outcome.</summary>
    Answered,
}

/// <param name="EntryId">For <see cref="WebOrderStatus.Written"/>: the order's entry id in queue:orders (its arrival).</param>
public sealed record WebOrderSubmission(WebOrderStatus Status, OrderResult? Result = null, string? EntryId = null);
