using System.Net;
using PopupStore.Grains.Placement;

namespace PopupStore.Tests.Placement;

/// <summary>The customers' directory: one entry per customer on its silo, replaced only by the activation that follows it.</summary>
public sealed class LocalCustomerDirectoryTests
{
    private static readonly SiloAddress Here = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly GrainId Customer = GrainId.Create("customer", "c-1");

    private static GrainAddress Address(SiloAddress silo, GrainId grain) =>
        new() { GrainId = grain, ActivationId = ActivationId.NewId(), SiloAddress = silo };

    [Fact]
    public async Task The_first_activation_keeps_the_entry_and_a_second_is_told_about_it()
    {
        var directory = new LocalCustomerDirectory();
        var first = Address(Here, Customer);
        var second = Address(Here, Customer);

        Assert.Same(first, await directory.Register(first));
        Assert.Same(first, await directory.Register(second));
        Assert.Same(first, await directory.Lookup(Customer));

        // The second replaces the first only when it names the first as the one it follows.
        Assert.Same(second, await directory.Register(second, first));
        Assert.Same(second, await directory.Lookup(Customer));
    }

    [Fact]
    public async Task Unregistering_an_old_activation_leaves_the_newer_entry()
    {
        var directory = new LocalCustomerDirectory();
        var old = Address(Here, Customer);
        var current = Address(Here, Customer);
        await directory.Register(old);
        await directory.Register(current, old);

        await directory.Unregister(old);
        Assert.Same(current, await directory.Lookup(Customer));

        await directory.Unregister(current);
        Assert.Null(await directory.Lookup(Customer));
        Assert.Equal(0, directory.Count);
    }

    [Fact]
    public async Task A_dead_silos_entries_go_and_others_stay()
    {
        var directory = new LocalCustomerDirectory();
        var dead = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
        var other = GrainId.Create("customer", "c-2");
        await directory.Register(Address(dead, Customer));
        var kept = Address(Here, other);
        await directory.Register(kept);

        await directory.UnregisterSilos([dead]);

        Assert.Null(await directory.Lookup(Customer));
        Assert.Same(kept, await directory.Lookup(other));
    }
}
