using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.Grains;
using PopupStore.Grains.TimeSeries;
using PopupStore.Silo.TimeSeries;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// Test silos are wired like the real one: Redis membership, one shared multiplexer, the order pipeline,
/// the time series supervisor (with a recording sink in place of RedisTimeSeries).
/// </summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo)
    {
        var connectionString = silo.Configuration["ConnectionStrings:Redis"]!;
        var redis = ConnectionMultiplexer.Connect(RedisConnector.Parse(connectionString));
        PopupScripts.LoadAllAsync(redis).GetAwaiter().GetResult();
        silo.Services.AddSingleton<IConnectionMultiplexer>(redis);
        silo.Services.AddOrderProcessing(silo.Configuration);
        silo.Services.AddSingleton<ISeriesSink, RecordingSeriesSink>();
        silo.Services.AddQueueTimeSeries(silo.Configuration);
        silo.UseRedisClustering(options =>
        {
            options.ConfigurationOptions = RedisConnector.Parse(connectionString);
            options.CreateMultiplexer = _ => Task.FromResult<(IConnectionMultiplexer, bool)>((redis, true));
        });
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 2;
            options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(5));
    }
}

public sealed class TestClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder client) =>
        client.UseRedisClustering(configuration["ConnectionStrings:Redis"]!);
}
