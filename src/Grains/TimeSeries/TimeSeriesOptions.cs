using System.ComponentModel.DataAnnotations;

namespace PopupStore.Grains.TimeSeries;

/// <summary>Who writes the <c>ts:*</c> series.</summary>
public enum TimeSeriesWriterMode
{
    /// <summary>Decided at silo start from MODULE LIST: the cluster writes only when RedisTimeSeries is loaded and RedisGears is not.</summary>
    Auto,

    /// <summary>The cluster writes, whatever MODULE LIST says (e.g. an ACL denies MODULE LIST on a Redis 8).</summary>
    Cluster,

    /// <summary>The cluster never writes.</summary>
    Off,
}

/// <summary>The cluster's time series writer. Bound from the <c>TimeSeries</c> configuration section, validated at start.</summary>
public sealed class TimeSeriesOptions
{
    public const string SectionName = "TimeSeries";

    public TimeSeriesWriterMode Writer { get; set; } = TimeSeriesWriterMode.Auto;

    /// <summary>Sampling window; the dashboard aggregates per 5 s, so change it only in tests.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00", ErrorMessage = "TimeSeries:Window must be at least 100 ms.")]
    public TimeSpan Window { get; set; } = QueueSeries.DefaultWindow;

    /// <summary>RETENTION of the series the cluster creates.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ErrorMessage = "TimeSeries:Retention must not be negative.")]
    public TimeSpan Retention { get; set; } = QueueSeries.DefaultRetention;

    /// <summary>How often every silo pings the writer grain so it stays active.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00", ErrorMessage = "TimeSeries:KeepAliveInterval must be at least 100 ms.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a silo that finds RedisGears without the registration waits for the registrar
    /// (gears/register.sh, the compose <c>gears</c> service, may still be running) before it warns.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "TimeSeries:RegistrationWait must not be negative.")]
    public TimeSpan RegistrationWait { get; set; } = TimeSpan.FromSeconds(30);

}
