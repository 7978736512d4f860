using Orleans.Configuration;
using PopupStore.Core.Redis;
using Microsoft.Extensions.Options;
using PopupStore.Grains;
using PopupStore.Grains.Storefront;
using PopupStore.Grains.Placement;
using PopupStore.Grains.Orders;
using PopupStore.Silo.Maintenance;
using PopupStore.Grains.TimeSeries;
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
        silo.Services.AddSingleton(new RedisConnectionString(connectionString));
        silo.AddCustomerPlacement();
        silo.Services.AddOrderProcessing(configuration);
        silo.Services.AddStorefrontOrders(configuration);
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
