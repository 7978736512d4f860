using PopupStore.Core.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// One entry of queue:orders as the pipeline sees it. <see cref="InvalidReason"/> is set when the
/// entry broke the contract; it is then answered <c>invalid</c> and never reaches a customer grain.
/// <see cref="Generation"/> is the sale generation Redis held when the entry was read (null: not
/// checked, for callers outside the stream path); the completion script refuses an order whose
/// generation is no longer the sale's. <see cref="BoughtBefore"/> is set by the customer's grain when
/// it already saw this customer buy in this sale: a hint the completion script confirms in sale:buyers.
/// A <see cref="FromStorefront"/> order has no entry yet: the completion script writes its entries and decides it in
/// one step.
/// </summary>
[GenerateSerializer, Immutable, Alias("PopupStore.OrderRequest")]
public sealed record OrderRequest(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Ticket,
    [property: Id(3)] string EntryId,
    [property: Id(4)] string? InvalidReason = null,
    [property: Id(5)] long? Generation = null,
    [property: Id(6)] string? BoughtBefore = null,
    [property: Id(7)] long? ReadAt = null,
    [property: Id(8)] bool FromStorefront = false)
{
    /// <summary>A storefront order, taken by the silo that holds its request (docs/storefront.md).</summary>
    public static OrderRequest Storefront(string orderId, string customerId) =>
        new(orderId, customerId, Ticket: string.Empty, EntryId: string.Empty, FromStorefront: true);

    public bool IsValid => InvalidReason is null;

    /// <summary>
    /// When the order arrived (ms on Redis' clock), or null without an entry id: its entry id's time, except that an
    /// entry dated after the read that found it (a producer's explicit id, or an entry queued behind one) arrived by
    /// the read at the latest. A producer can therefore date an order later than it arrived, never past its read.
    /// </summary>
    public long? ArrivedAt => StreamIds.Milliseconds(EntryId) is { } dated
        ? (ReadAt is { } read && read < dated ? read : dated)
        : null;
}
