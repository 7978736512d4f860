namespace PopupStore.Grains.TimeSeries;

/// <summary>
/// Where the cluster's writer puts its samples. The real one issues RedisTimeSeries commands
/// (TS.CREATE, TS.ADD); tests replace it, since the module is not always there.
/// </summary>
public interface ISeriesSink
{
    /// <summary>Creates the series (retention, duplicate policy, labels); a series that exists is left as it is.</summary>
    Task EnsureSeriesAsync(IReadOnlyList<SeriesDefinition> series, TimeSpan retention);

    /// <summary>
    /// Adds the samples with their explicit timestamps; a sample whose timestamp already exists in
    /// its series replaces the old value (ON_DUPLICATE LAST), so writing a window twice is harmless.
    /// </summary>
    Task AddAsync(IReadOnlyList<SeriesSample> samples);
}
