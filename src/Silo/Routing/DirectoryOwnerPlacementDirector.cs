using Orleans.Runtime.Placement;
using PopupStore.Grains.Placement;

namespace PopupStore.Silo.Routing;

/// <summary>Places <see cref="Grains.DirectoryOwnerPlacement"/> grains on the silo owning their directory entry.</summary>
internal sealed class DirectoryOwnerPlacementDirector : IPlacementDirector
{
    // Placement runs for every first-time customer, and building a ring deduplicates and sorts the silos:
    // an allocation profile of a purchase crowd put 3.6% of a silo's allocations here. The compatible
    // silos change only with membership, so the last ring (and a finished task per silo) is kept until they do.
    private volatile PlacementRing? _last;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var ring = RingFor(context.GetCompatibleSilos(target));
        return ring.OwnerOf(target.GrainIdentity) ?? Task.FromResult(context.LocalSilo);
    }

    private PlacementRing RingFor(SiloAddress[] silos)
    {
        if (_last is { } last && last.IsFor(silos))
        {
            return last;
        }

        var ring = new PlacementRing(silos);
        _last = ring;
        return ring;
    }

    private sealed class PlacementRing
    {
        private readonly SiloAddress[] _silos;
        private readonly DirectoryRing _ring;
        private readonly Dictionary<SiloAddress, Task<SiloAddress>> _placed;

        public PlacementRing(SiloAddress[] silos)
        {
            // A copy: the caller's array is not ours to keep.
            _silos = [.. silos];
            _ring = new DirectoryRing(_silos);
            _placed = _ring.Silos.ToDictionary(silo => silo, Task.FromResult);
        }

        public bool IsFor(SiloAddress[] silos) => _silos.AsSpan().SequenceEqual(silos);

        public Task<SiloAddress>? OwnerOf(GrainId grain) =>
            _ring.OwnerOf(grain) is { } owner ? _placed[owner] : null;
    }
}
