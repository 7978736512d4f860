namespace PopupStore.Grains.Placement;

/// <summary>
/// Which silo owns a grain's directory entry, computed the way Orleans' default (DHT) grain directory
/// does: silos sorted by consistent hash, the owner is the last one whose hash is at or below the grain's
/// uniform hash, wrapping to the highest. A view that is briefly out of date only costs a remote step.
/// </summary>
public sealed class DirectoryRing
{
    private readonly SiloAddress[] _ring;

    public DirectoryRing(IEnumerable<SiloAddress> activeSilos)
    {
        _ring = [.. activeSilos.Distinct()];
        Array.Sort(_ring, Compare);
    }

    public IReadOnlyList<SiloAddress> Silos => _ring;

    public SiloAddress? OwnerOf(GrainId grain)
    {
        if (_ring.Length == 0)
        {
            return null;
        }

        var hash = unchecked((int)grain.GetUniformHashCode());
        for (var i = _ring.Length - 1; i >= 0; i--)
        {
            if (_ring[i].GetConsistentHashCode() <= hash)
            {
                return _ring[i];
            }
        }

        return _ring[^1];
    }

    private static int Compare(SiloAddress left, SiloAddress right)
    {
        var byHash = left.GetConsistentHashCode().CompareTo(right.GetConsistentHashCode());
        return byHash != 0 ? byHash : left.CompareTo(right);
    }
}
