namespace PopupStore.Grains;

/// <summary>
/// The cluster's single writer of the <c>ts:*</c> queue series, used only when Redis has RedisTimeSeries
/// but no RedisGears (Redis 8, Redis Stack). Orleans keeps one activation of key <see cref="Key"/> in
/// the cluster; every silo calls <see cref="Start"/> periodically so it is always active somewhere.
/// </summary>
[Alias("PopupStore.ITimeSeriesWriterGrain")]
public interface ITimeSeriesWriterGrain : IGrainWithStringKey
{
    /// <summary>The only key in use: one writer per cluster.</summary>
    public const string Key = "0";

    /// <summary>Activates the writer if needed; called periodically by every silo.</summary>
    [Alias("Start")]
    ValueTask Start();
}
