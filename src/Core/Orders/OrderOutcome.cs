namespace PopupStore.Core.Orders;

/// <summary>An order's answer. <see cref="Fresh"/> is false when the order had been answered before (a redelivery).</summary>
[GenerateSerializer, Immutable, Alias("PopupStore.OrderOutcome")]
public readonly record struct OrderOutcome([property: Id(0)] OrderResult Result, [property: Id(1)] bool Fresh);
