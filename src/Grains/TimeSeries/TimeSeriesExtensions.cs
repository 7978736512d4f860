using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PopupStore.Grains.TimeSeries;

public static class TimeSeriesExtensions
{
    /// <summary>
    /// Module detection at start and, on a Redis with RedisTimeSeries and no RedisGears, the cluster's
    /// single writer of the ts:* series. Register an <see cref="ISeriesSink"/> before this call to
    /// replace the NRedisStack one (tests do).
    /// </summary>
    public static IServiceCollection AddQueueTimeSeries(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<TimeSeriesOptions>()
            .Bind(configuration.GetSection(TimeSeriesOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<ISeriesSink, NRedisStackSeriesSink>();
        services.AddSingleton<TimeSeriesSupervisor>();
        services.AddHostedService(provider => provider.GetRequiredService<TimeSeriesSupervisor>());
        return services;
    }
}
