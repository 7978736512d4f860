using System.Diagnostics.CodeAnalysis;
using Orleans.Runtime.GrainDirectory;

namespace PopupStore.Grains.Placement;

/// <summary>
/// The address cache of Orleans' locator for grains with a directory of their own, which here are only customer
/// grains (<see cref="LocalCustomerDirectory"/>): it keeps nothing. Its lookup is already a dictionary read on the
/// silo, and a miss for a customer of another silo is answered by the ring in the placement step. Orleans' own
/// cache kept an entry per customer after the grain had left (about 200 bytes with its address, one per buyer
/// until a million), every one of them copied by the young and the next collection of the silo.
/// </summary>
public sealed class UncachedCustomerAddresses : IGrainDirectoryCache
{
    public IEnumerable<(GrainAddress ActivationAddress, int Version)> KeyValues => [];

    public void AddOrUpdate(GrainAddress value, int version)
    {
    }

    public bool Remove(GrainId key) => false;

    public bool Remove(GrainAddress key) => false;

    public void Clear()
    {
    }

    public bool LookUp(GrainId key, [NotNullWhen(true)] out GrainAddress? result, out int version)
    {
        result = null;
        version = 0;
        return false;
    }
}
