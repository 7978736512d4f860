
namespace PopupStore.Grains.TimeSeries;

/// <summary>Who writes the <c>ts:*</c> series, as decided at silo start.</summary>
public enum SeriesSource
{
    /// <summary>RedisGears and RedisTimeSeries are loaded: gears/timeseries.py (registered by gears/register.sh) writes.</summary>
    GearsScript,

    /// <summary>RedisGears is loaded without RedisTimeSeries: the Gears script's TS.ADD fails, nothing is written.</summary>
    GearsWithoutTimeSeries,

    /// <summary>RedisTimeSeries without RedisGears (Redis 8, Redis Stack), or forced by configuration: the cluster's writer grain writes.</summary>
    ClusterWriter,

    /// <summary>Neither module (plain Redis): nothing can write them.</summary>
    NoModules,

    /// <summary>MODULE LIST was refused: the silo cannot tell and writes nothing.</summary>
    Unknown,

    /// <summary><c>TimeSeries:Writer = Off</c>.</summary>
    Disabled,
}

public static class SeriesSources
{
    /// <summary>The decision, from what MODULE LIST said and the configured mode. Pure; tested on its own.</summary>
    public static SeriesSource Decide(RedisModules modules, TimeSeriesWriterMode mode) => mode switch
    {
        TimeSeriesWriterMode.Off => SeriesSource.Disabled,
        TimeSeriesWriterMode.Cluster => SeriesSource.ClusterWriter,
        _ when !modules.Known => SeriesSource.Unknown,
        _ when modules.HasGears && modules.HasTimeSeries => SeriesSource.GearsScript,
        _ when modules.HasGears => SeriesSource.GearsWithoutTimeSeries,
        _ when modules.HasTimeSeries => SeriesSource.ClusterWriter,
        _ => SeriesSource.NoModules,
    };
}
