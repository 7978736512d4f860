using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// A routed order's answer, or why its customer grain failed: the exception's type, message and whether
/// the failure lies outside the entry (Redis, the cluster), which decides if it counts toward MaxDeliveries.
/// </summary>
[GenerateSerializer, Immutable, Alias("PopupStore.RoutedAnswer")]
public sealed record RoutedAnswer(
    [property: Id(0)] OrderOutcome Outcome,
    [property: Id(1)] string? FailureType = null,
    [property: Id(2)] string? FailureMessage = null,
    [property: Id(3)] bool FailureOutsideTheEntry = false)
{
    public bool Failed => FailureType is not null;
}
