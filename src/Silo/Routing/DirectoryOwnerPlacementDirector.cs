using Orleans.Runtime.Placement;
using PopupStore.Grains.Placement;

namespace PopupStore.Silo.Routing;

/// <summary>Places <see cref="Grains.DirectoryOwnerPlacement"/> grains on the silo owning their directory entry.</summary>
internal sealed class DirectoryOwnerPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var owner = new DirectoryRing(context.GetCompatibleSilos(target)).OwnerOf(target.GrainIdentity);
        return Task.FromResult(owner ?? context.LocalSilo);
    }
}
