using Orleans.Runtime.GrainDirectory;
using PopupStore.Grains.Placement;

namespace PopupStore.Tests.Placement;

/// <summary>The customer locator's cache keeps nothing, whatever Orleans hands it.</summary>
public sealed class UncachedCustomerAddressesTests
{
    [Fact]
    public void An_address_added_is_never_found()
    {
        IGrainDirectoryCache cache = new UncachedCustomerAddresses();
        var grain = GrainId.Create("customer", "alice");
        var address = new GrainAddress { GrainId = grain, SiloAddress = SiloAddress.New(System.Net.IPAddress.Loopback, 11111, 1) };

        cache.AddOrUpdate(address, version: 3);

        Assert.False(cache.LookUp(grain, out var found, out var version));
        Assert.Null(found);
        Assert.Equal(0, version);
        Assert.Empty(cache.KeyValues);
        Assert.False(cache.Remove(address));
        Assert.False(cache.Remove(grain));
    }
}
