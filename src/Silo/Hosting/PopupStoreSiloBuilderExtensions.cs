using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;
using Orleans.Runtime.Hosting;
using PopupStore.Core.Redis;
using Microsoft.Extensions.Options;
using PopupStore.Grains;
using PopupStore.Grains.WebOrders;
using PopupStore.Grains.Placement;
using PopupStore.Grains.Polling;
using PopupStore.Grains.Customers;
using PopupStore.Silo.Maintenance;
using PopupStore.Silo.Routing;
using PopupStore.Silo.TimeSeries;
using StackExchange.Redis;

namespace PopupStore.Silo.Hosting;

public static class PopupStoreSiloBuilderExtensions
{
    /// <summary>
    /// Everything a Pop-up Store silo runs, on the process' one multiplexer: Redis membership, the order
    /// pipeline, the time series writer and fast failure detection. The silo host and the test silos both
    /// call this, so tests run the wiring that ships.
    /// </summary>
    public static ISiloBuilder AddPopupStore(
        this ISiloBuilder silo, IConnectionMultiplexer redis, string connectionString, IConfiguration configuration)
    {
        silo.Services.AddSingleton(redis);
        // Customer grains are spread by a ring of many points per silo, their directory entries kept where they
        // live; batches are routed there.
        silo.Services.AddPlacementDirector<CustomerRingPlacement, CustomerRingPlacementDirector>();
        silo.AddGrainDirectory(LocalCustomerDirectory.Name, (_, _) => new LocalCustomerDirectory());
        // Read only by the locator of grains with a directory of their own (customers); Orleans' own directory
        // keeps its cache.
        silo.Services.AddSingleton<IGrainDirectoryCache, UncachedCustomerAddresses>();
        silo.AddGrainService<OrderRouterService>();
        silo.Services.AddSingleton<IOrderRouters, OrderRouterClient>();
        if (configuration.GetValue("Processing:RouteToOwners", true))
        {
            silo.Services.AddSingleton<IOrderDispatcher, RoutingDispatcher>();
        }

        silo.Services.AddOrderProcessing(configuration);
        silo.Services.AddWebOrders(configuration);
        silo.Services.AddQueueTimeSeries(configuration);
        silo.Services.AddSingleton<IValidateOptions<OrderProcessingOptions>, ProcessingTimeoutsValidator>();
        silo.Services.AddHostedService<ConsumerJanitor>();
        silo.UseRedisClustering(options =>
        {
            options.ConfigurationOptions = RedisConnector.Parse(connectionString);
            options.CreateMultiplexer = _ => Task.FromResult((redis, true));
        });
        silo.Configure<ClusterMembershipOptions>(FastFailureDetection.Apply);
        silo.Configure<SiloMessagingOptions>(FastFailureDetection.Apply);
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        silo.Configure<SiloMessagingOptions>(configuration.GetSection("Orleans:Messaging"));
        return silo;
    }
}
