namespace PopupStore.Core.Orders;

/// <summary>Maps outcomes to the names stored in Redis (queue:rejected reason, sale:counts fields).</summary>
public static class OrderResults
{
    public static readonly IReadOnlyList<OrderResult> All =
        [OrderResult.Complete, OrderResult.Duplicate, OrderResult.SoldOut, OrderResult.Closed, OrderResult.Invalid];

    public static readonly IReadOnlyList<string> RejectionReasons = ["duplicate", "sold-out", "closed", "invalid"];

    public static string ToWire(this OrderResult result) => result switch
    {
        OrderResult.Complete => "complete",
        OrderResult.Duplicate => "duplicate",
        OrderResult.SoldOut => "sold-out",
        OrderResult.Closed => "closed",
        OrderResult.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };

    public static OrderResult FromWire(string value) => value switch
    {
        "complete" => OrderResult.Complete,
        "duplicate" => OrderResult.Duplicate,
        "sold-out" => OrderResult.SoldOut,
        "closed" => OrderResult.Closed,
        "invalid" => OrderResult.Invalid,
        _ => throw new FormatException($"Unknown order outcome '{value}'."),
    };
}
