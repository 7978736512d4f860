namespace PopupStore.Grains;

[GenerateSerializer, Immutable, Alias("PopupStore.PollerStats")]
public sealed record PollerStats(
    [property: Id(0)] string Consumer,
    [property: Id(1)] long Answered,
    [property: Id(2)] long Claimed,
    [property: Id(3)] long Failures);
