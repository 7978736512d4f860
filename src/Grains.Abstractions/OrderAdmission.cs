using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// A customer grain's answer to an order: <see cref="Outcome"/> when the grain had the order completed itself (a
/// storefront request waits on this grain for it), otherwise <see cref="Admitted"/>, the order as the grain lets
/// it through, for the caller to complete.
/// </summary>
[GenerateSerializer, Immutable, Alias("PopupStore.OrderAdmission")]
public readonly record struct OrderAdmission([property: Id(0)] OrderOutcome? Outcome, [property: Id(1)] OrderRequest? Admitted)
{
    public static OrderAdmission Decided(OrderOutcome outcome) => new(outcome, null);

    public static OrderAdmission Forward(OrderRequest order) => new(null, order);
}
