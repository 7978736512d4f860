using PopupStore.Core.Orders;

namespace PopupStore.Silo.Storefront;

/// <summary>The JSON a buyer gets for an order (200 decided, 202 pending).</summary>
public sealed record OrderAnswer(string Order, string Customer, string Outcome, string Detail, long LatencyMs);

/// <summary>An order's outcome in words. Fixed per outcome, so a replay of the same order reads the same.</summary>
public static class OrderAnswers
{
    public const string Pending = "pending";

    public static string Detail(OrderResult result) => result switch
    {
        OrderResult.Complete => "One unit is yours.",
        OrderResult.Duplicate => "This customer has already bought a unit; it is one per customer.",
        OrderResult.SoldOut => "Every unit is sold.",
        OrderResult.Closed => "The sale is not open.",
        OrderResult.Invalid => "The order could not be read.",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public const string PendingDetail = "Not decided yet: the order is queued; follow Location for its answer.";

    /// <summary>Where a buyer follows a pending order: it names the customer too, without which the order is not found.</summary>
    public static string Location(string customerId, string orderId) =>
        "/api/orders/" + Uri.EscapeDataString(orderId) + "?customer=" + Uri.EscapeDataString(customerId);
}
