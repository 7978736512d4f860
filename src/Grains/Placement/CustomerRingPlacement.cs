using Orleans.Placement;

namespace PopupStore.Grains.Placement;

/// <summary>
/// Places a customer grain on the silo its <c>CustomerRing</c> names: many points per active silo on a ring of
/// uniform hashes, so a crowd's customers split evenly across the silos. Pollers route a batch's orders by the same
/// ring, one message per silo; the grain's directory entry is kept on that silo (a local directory), so activating a
/// first-time customer sends no message to another silo.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("PopupStore.CustomerRingPlacement")]
public sealed class CustomerRingPlacement : PlacementStrategy
{
    public static readonly CustomerRingPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="CustomerRingPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CustomerRingPlacementAttribute() : PlacementAttribute(CustomerRingPlacement.Instance);
