namespace PopupStore.Core.Orders;

/// <summary>
/// One entry of queue:orders as the pipeline sees it. <see cref="InvalidReason"/> is set when the
/// entry broke the contract; it is then answered <c>invalid</c> and never reaches a customer grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("PopupStore.OrderRequest")]
public sealed record OrderRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Ticket,
    [property: Id(3)] string EntryId,
    [property: Id(4)] string? InvalidReason = null)
{
    public bool IsValid => InvalidReason is null;
}
