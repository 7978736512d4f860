using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using PopupStore.Core.Redis;
using PopupStore.Core.Scripts;
using PopupStore.Grains;
using PopupStore.Silo.Hosting;
using PopupStore.Grains.TimeSeries;
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
        silo.Services.AddSingleton<ISeriesSink, RecordingSeriesSink>();
        silo.AddPopupStore(redis, connectionString, silo.Configuration);
        silo.Configure<ClusterMembershipOptions>(options => options.TableRefreshTimeout = TimeSpan.FromSeconds(2));
    }
}

public sealed class TestClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder client) =>
        client.UseRedisClustering(configuration["ConnectionStrings:Redis"]!);
}
