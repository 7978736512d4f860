using Orleans.Runtime.Placement;

namespace PopupStore.Grains.Placement;

/// <summary>Places <see cref="Grains.CustomerRingPlacement"/> grains on the silo their <see cref="CustomerRing"/> names.</summary>
internal sealed class CustomerRingPlacementDirector : IPlacementDirector
{
    // Placement runs for every first-time customer, and building a ring hashes and sorts every silo's points.
    // The compatible silos change only with membership, so the last ring is kept until they do.
    private volatile RingView? _last;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var owner = RingFor(context.GetCompatibleSilos(target)).OwnerOf(target.GrainIdentity);
        return Task.FromResult(owner ?? context.LocalSilo);
    }

    private CustomerRing RingFor(SiloAddress[] silos)
    {
        if (_last is { } last && last.Silos.AsSpan().SequenceEqual(silos))
        {
            return last.Ring;
        }

        // A copy: the caller's array is not ours to keep.
        var view = new RingView([.. silos], new CustomerRing(silos));
        _last = view;
        return view.Ring;
    }

    private sealed record RingView(SiloAddress[] Silos, CustomerRing Ring);
}
