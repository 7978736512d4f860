using System.Collections.Concurrent;
using Orleans.GrainDirectory;

namespace PopupStore.Grains.Placement;

/// <summary>
/// The grain directory of customer grains: this silo's own activations, in memory. A customer lives on the silo the
/// <see cref="CustomerRing"/> names, and every silo computes that ring itself, so finding a customer needs no entry
/// kept elsewhere: a lookup here finds the customers active on this silo, and a miss goes to placement, which names
/// the owner. Registering an activation is a dictionary write on its own silo, where Orleans' directory would keep
/// it on the silo its one-point ring names, another one for most customers once they are spread by this ring.
/// What it gives up: one activation per customer across the cluster rests on the silos agreeing on the ring, not on
/// a shared entry; while membership changes a customer can briefly have two, and Redis (<c>sale:buyers</c>,
/// <c>sale:answered</c>) decides every order either way.
/// </summary>
public sealed class LocalCustomerDirectory : IGrainDirectory
{
    public const string Name = "customers";

    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    public int Count => _entries.Count;

    public Task<GrainAddress?> Register(GrainAddress address) => Register(address, null);

    public Task<GrainAddress?> Register(GrainAddress address, GrainAddress? previousAddress)
    {
        while (true)
        {
            if (!_entries.TryGetValue(address.GrainId, out var existing))
            {
                if (_entries.TryAdd(address.GrainId, address))
                {
                    return Task.FromResult<GrainAddress?>(address);
                }

                continue;
            }

            // Another activation holds the entry: it stays, unless it is the one the caller replaces.
            if (existing.Matches(address) || previousAddress is null || !existing.Matches(previousAddress))
            {
                return Task.FromResult<GrainAddress?>(existing);
            }

            if (_entries.TryUpdate(address.GrainId, address, existing))
            {
                return Task.FromResult<GrainAddress?>(address);
            }
        }
    }

    public Task Unregister(GrainAddress address)
    {
        // Only this activation's entry: a newer activation of the same customer keeps its own.
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return Task.CompletedTask;
    }

    public Task<GrainAddress?> Lookup(GrainId grainId) =>
        Task.FromResult(_entries.TryGetValue(grainId, out var address) ? address : null);

    public Task UnregisterSilos(List<SiloAddress> siloAddresses)
    {
        // Entries are this silo's own; a silo that is declared dead while running is stopping anyway.
        foreach (var (grain, address) in _entries)
        {
            if (address.SiloAddress is { } silo && siloAddresses.Contains(silo))
            {
                _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(grain, address));
            }
        }

        return Task.CompletedTask;
    }
}
