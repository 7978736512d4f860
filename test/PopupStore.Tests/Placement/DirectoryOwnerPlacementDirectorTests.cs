using System.Net;
using Orleans.Runtime.Placement;
using PopupStore.Grains;
using PopupStore.Grains.Placement;
using PopupStore.Silo.Routing;

namespace PopupStore.Tests.Placement;

/// <summary>The director keeps its ring between placements; it must still follow the silos it is given.</summary>
public sealed class DirectoryOwnerPlacementDirectorTests
{
    private static readonly SiloAddress[] Three = [Silo(11111), Silo(11112), Silo(11113)];

    [Fact]
    public async Task Each_grain_goes_to_the_owner_of_its_directory_entry()
    {
        var director = new DirectoryOwnerPlacementDirector();
        var context = new Context(Three);
        var ring = new DirectoryRing(Three);

        var placed = new HashSet<SiloAddress>();
        for (var i = 0; i < 200; i++)
        {
            var grain = Customer($"c-{i}");
            var silo = await director.OnAddActivation(new DirectoryOwnerPlacement(), Target(grain), context);
            Assert.Equal(ring.OwnerOf(grain), silo);
            placed.Add(silo);
        }

        Assert.Equal(3, placed.Count);
    }

    [Fact]
    public async Task A_silo_leaving_or_joining_moves_the_grains_it_owned_and_no_others()
    {
        var director = new DirectoryOwnerPlacementDirector();
        var context = new Context(Three);
        var grains = Enumerable.Range(0, 200).Select(i => Customer($"m-{i}")).ToList();
        var before = new List<SiloAddress>();
        foreach (var grain in grains)
        {
            before.Add(await director.OnAddActivation(new DirectoryOwnerPlacement(), Target(grain), context));
        }

        // A new array with the same silos in another order is the same ring.
        context.Silos = [Three[2], Three[0], Three[1]];
        for (var i = 0; i < grains.Count; i++)
        {
            Assert.Equal(before[i], await director.OnAddActivation(new DirectoryOwnerPlacement(), Target(grains[i]), context));
        }

        context.Silos = [Three[0], Three[1]];
        var two = new DirectoryRing(context.Silos);
        for (var i = 0; i < grains.Count; i++)
        {
            var silo = await director.OnAddActivation(new DirectoryOwnerPlacement(), Target(grains[i]), context);
            Assert.Equal(two.OwnerOf(grains[i]), silo);
            Assert.NotEqual(Three[2], silo);
            if (!before[i].Equals(Three[2]))
            {
                Assert.Equal(before[i], silo);
            }
        }

        context.Silos = Three;
        for (var i = 0; i < grains.Count; i++)
        {
            Assert.Equal(before[i], await director.OnAddActivation(new DirectoryOwnerPlacement(), Target(grains[i]), context));
        }
    }

    [Fact]
    public async Task With_no_compatible_silo_the_grain_stays_local()
    {
        var context = new Context([]);
        var silo = await new DirectoryOwnerPlacementDirector().OnAddActivation(new DirectoryOwnerPlacement(), Target(Customer("alone")), context);
        Assert.Equal(context.LocalSilo, silo);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static GrainId Customer(string id) => GrainId.Create("customer", id);

    private static PlacementTarget Target(GrainId grain) => new(grain, new Dictionary<string, object>(), GrainInterfaceType.Create("customer"), 0);

    private sealed class Context(SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress[] Silos { get; set; } = silos;

        public SiloAddress LocalSilo { get; } = Silo(22222);

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => Silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) =>
            new Dictionary<ushort, SiloAddress[]> { [0] = Silos };
    }
}
