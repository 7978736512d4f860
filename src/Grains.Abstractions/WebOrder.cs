namespace PopupStore.Grains;

/// <summary>An order taken by the storefront. <see cref="Wait"/> is how long the grain may hold the call for its outcome.</summary>
[GenerateSerializer, Immutable, Alias("PopupStore.WebOrder")]
public sealed record WebOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] TimeSpan Wait);
