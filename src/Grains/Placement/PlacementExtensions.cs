using Orleans.Runtime.GrainDirectory;
using Orleans.Runtime.Hosting;

namespace PopupStore.Grains.Placement;

public static class PlacementExtensions
{
    /// <summary>
    /// Customer grains spread by a ring of many points per silo, their directory entries kept where they live, and a
    /// batch's orders routed there: one message per silo instead of one per order.
    /// </summary>
    public static ISiloBuilder AddCustomerPlacement(this ISiloBuilder silo)
    {
        silo.Services.AddPlacementDirector<CustomerRingPlacement, CustomerRingPlacementDirector>();
        silo.AddGrainDirectory(LocalCustomerDirectory.Name, (_, _) => new LocalCustomerDirectory());
        // Read only by the locator of grains with a directory of their own (customers); Orleans' own directory
        // keeps its cache.
        silo.Services.AddSingleton<IGrainDirectoryCache, UncachedCustomerAddresses>();
        silo.AddGrainService<OrderRouterService>();
        silo.Services.AddSingleton<OrderRouterClient>();
        silo.Services.AddSingleton<RoutingDispatcher>();
        return silo;
    }
}
