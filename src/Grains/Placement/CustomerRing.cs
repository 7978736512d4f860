namespace PopupStore.Grains.Placement;

/// <summary>
/// Which silo a customer lives on. Every active silo takes <see cref="PointsPerSilo"/> points on a ring of uniform
/// hashes (its own <see cref="SiloAddress.GetUniformHashCodes"/>, so every silo computes the same ring), and a customer
/// belongs to the silo of the last point at or below its grain's uniform hash, wrapping to the highest. Many points
/// per silo split the customers evenly; Orleans' own directory ring gives each silo one point, which left one silo
/// of three with half or more of a crowd's customers. A view that is briefly out of date costs a hop, or, while two
/// silos' views differ, a second activation of a customer (which knows less, never more: Redis decides).
/// </summary>
public sealed class CustomerRing
{
    /// <summary>Enough points that three silos' shares stay within a few percent of a third.</summary>
    public const int PointsPerSilo = 128;

    private readonly uint[] _hashes;
    private readonly SiloAddress[] _owners;

    public CustomerRing(IEnumerable<SiloAddress> activeSilos)
    {
        var silos = activeSilos.Distinct().ToArray();
        var points = new (uint Hash, SiloAddress Silo)[silos.Length * PointsPerSilo];
        var next = 0;
        foreach (var silo in silos)
        {
            foreach (var hash in silo.GetUniformHashCodes(PointsPerSilo))
            {
                points[next++] = (hash, silo);
            }
        }

        // Ties (two silos on one hash) are broken by address, so the order the silos came in never matters.
        Array.Sort(points, (a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : a.Silo.CompareTo(b.Silo));
        _hashes = [.. points.Select(p => p.Hash)];
        _owners = [.. points.Select(p => p.Silo)];
        Array.Sort(silos);
        Silos = silos;
    }

    /// <summary>The silos on the ring, sorted.</summary>
    public IReadOnlyList<SiloAddress> Silos { get; }

    public SiloAddress? OwnerOf(GrainId grain)
    {
        if (_hashes.Length == 0)
        {
            return null;
        }

        var hash = grain.GetUniformHashCode();
        var index = Array.BinarySearch(_hashes, hash);
        if (index < 0)
        {
            // The complement is the first point above the hash: the owner is the one before it, or the highest.
            index = ~index - 1;
        }
        else
        {
            // On a point several silos share, the last of them, as for any point at or below the hash.
            while (index + 1 < _hashes.Length && _hashes[index + 1] == hash)
            {
                index++;
            }
        }

        return _owners[index < 0 ? _owners.Length - 1 : index];
    }
}
