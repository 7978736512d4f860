using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PopupStore.Grains.TimeSeries;

namespace PopupStore.Tests.Infrastructure;

/// <summary>The time series supervisor writes into a <see cref="RecordingSeriesSink"/> in place of RedisTimeSeries.</summary>
public sealed class RecordingSinkConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo) => silo.Services.AddSingleton<ISeriesSink, RecordingSeriesSink>();
}
