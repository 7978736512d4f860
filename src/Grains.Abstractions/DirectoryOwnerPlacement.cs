using Orleans.Placement;

namespace PopupStore.Grains;

/// <summary>
/// Places an activation on the silo that owns the grain's entry in Orleans' grain directory (the silo
/// with the largest consistent hash at or below the grain's hash, among active silos). Registering the
/// activation is then a local step instead of a message to another silo: with N silos, a first-time
/// customer otherwise cost a remote registration (N-1)/N of the time.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("PopupStore.DirectoryOwnerPlacement")]
public sealed class DirectoryOwnerPlacement : PlacementStrategy
{
    public static readonly DirectoryOwnerPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="DirectoryOwnerPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DirectoryOwnerPlacementAttribute() : PlacementAttribute(DirectoryOwnerPlacement.Instance);
