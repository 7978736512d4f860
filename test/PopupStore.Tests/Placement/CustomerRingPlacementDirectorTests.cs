using System.Net;
using Orleans.Runtime.Placement;
using PopupStore.Grains;
using PopupStore.Grains.Placement;

namespace PopupStore.Tests.Placement;

/// <summary>The customer ring splits customers evenly; the director keeps its ring between placements and must still follow the silos it is given.</summary>
public sealed class CustomerRingPlacementDirectorTests
{
    private static readonly SiloAddress[] Three = [Silo(11111), Silo(11112), Silo(11113)];

    [Fact]
    public async Task Each_grain_goes_to_the_silo_its_ring_names()
    {
        var director = new CustomerRingPlacementDirector();
        var context = new Context(Three);
        var ring = new CustomerRing(Three);

        var placed = new HashSet<SiloAddress>();
        for (var i = 0; i < 200; i++)
        {
            var grain = Customer($"c-{i}");
            var silo = await director.OnAddActivation(new CustomerRingPlacement(), Target(grain), context);
            Assert.Equal(ring.OwnerOf(grain), silo);
            placed.Add(silo);
        }

        Assert.Equal(3, placed.Count);
    }

    [Fact]
    public async Task A_silo_leaving_or_joining_moves_the_grains_it_owned_and_no_others()
    {
        var director = new CustomerRingPlacementDirector();
        var context = new Context(Three);
        var grains = Enumerable.Range(0, 200).Select(i => Customer($"m-{i}")).ToList();
        var before = new List<SiloAddress>();
        foreach (var grain in grains)
        {
            before.Add(await director.OnAddActivation(new CustomerRingPlacement(), Target(grain), context));
        }

        // A new array with the same silos in another order is the same ring.
        context.Silos = [Three[2], Three[0], Three[1]];
        for (var i = 0; i < grains.Count; i++)
        {
            Assert.Equal(before[i], await director.OnAddActivation(new CustomerRingPlacement(), Target(grains[i]), context));
        }

        context.Silos = [Three[0], Three[1]];
        var two = new CustomerRing(context.Silos);
        for (var i = 0; i < grains.Count; i++)
        {
            var silo = await director.OnAddActivation(new CustomerRingPlacement(), Target(grains[i]), context);
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
            Assert.Equal(before[i], await director.OnAddActivation(new CustomerRingPlacement(), Target(grains[i]), context));
        }
    }

    [Fact]
    public void Three_silos_get_about_a_third_of_the_customers_each()
    {
        // Orleans' one-point directory ring gives three silos arcs of any size; with many points each, a crowd splits
        // evenly whatever the silos' addresses (here the ports and generations a restart would give).
        for (var start = 0; start < 10; start++)
        {
            var silos = Enumerable.Range(0, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + (7 * start) + i), 100 + start)).ToArray();
            var ring = new CustomerRing(silos);
            var counts = Enumerable.Range(0, 30_000).GroupBy(i => ring.OwnerOf(Customer($"buyer-{i}"))!).ToDictionary(g => g.Key, g => g.Count());

            Assert.Equal(3, counts.Count);
            Assert.All(counts.Values, n => Assert.InRange(n, 8_000, 12_000));
        }
    }

    [Fact]
    public void The_ring_is_the_same_whatever_order_the_silos_come_in_and_empty_names_nobody()
    {
        var one = new CustomerRing(Three);
        var other = new CustomerRing([Three[1], Three[2], Three[0], Three[1]]);

        Assert.Equal(one.Silos, other.Silos);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(one.OwnerOf(Customer($"o-{i}")), other.OwnerOf(Customer($"o-{i}")));
        }

        Assert.Null(new CustomerRing([]).OwnerOf(Customer("nobody")));
    }

    [Fact]
    public async Task With_no_compatible_silo_the_grain_stays_local()
    {
        var context = new Context([]);
        var silo = await new CustomerRingPlacementDirector().OnAddActivation(new CustomerRingPlacement(), Target(Customer("alone")), context);
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
