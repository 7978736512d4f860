namespace PopupStore.Core.Orders;

/// <summary>The five answers an order can get; the names on the wire are those of the Redis contract (docs/redis-contract.md).</summary>
[GenerateSerializer, Alias("PopupStore.OrderResult")]
public enum OrderResult
{
    Complete,
    Duplicate,
    SoldOut,
    Closed,
    Invalid,
}
