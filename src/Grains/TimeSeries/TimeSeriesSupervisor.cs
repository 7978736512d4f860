using Microsoft.Extensions.Options;
using PopupStore.Grains;
using StackExchange.Redis;
using PopupStore.Grains.Hosting;

namespace PopupStore.Grains.TimeSeries;

/// <summary>
/// At silo start: finds out which Redis modules are loaded, says in one log line who writes the
/// <c>ts:*</c> series, and, when that is the cluster, keeps the single writer grain active.
/// </summary>
public sealed partial class TimeSeriesSupervisor(
    IConnectionMultiplexer redis,
    IGrainFactory grains,
    IOptions<TimeSeriesOptions> options,
    ILogger<TimeSeriesSupervisor> logger) : BackgroundService
{
    private static readonly string Panels = string.Join(", ", QueueSeries.DashboardPanels.Select(p => $"'{p}'"));

    /// <summary>The decision, once made (null before).</summary>
    public SeriesSource? Source { get; private set; }

    /// <summary>Detects the modules, decides and logs the one line that says so.</summary>
    public async Task<SeriesSource> DetectAndReportAsync()
    {
        var settings = options.Value;
        var database = redis.GetDatabase();
        RedisModules modules;
        try
        {
            modules = await RedisModules.DetectAsync(database);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            modules = RedisModules.Unknown(ex.Message);
        }

        var source = SeriesSources.Decide(modules, settings.Writer);
        switch (source)
        {
            case SeriesSource.GearsScript:
                var (registration, error) = await WaitForRegistrationAsync(database, settings.RegistrationWait);
                if (registration == GearsRegistration.Missing)
                {
                    LogGearsNotRegistered(source, GearsRegistrations.Description, settings.RegistrationWait, Panels);
                }
                else
                {
                    LogGears(source, GearsRegistrations.Description, registration == GearsRegistration.Present ? "present" : $"not checked: {error}");
                }

                break;
            case SeriesSource.GearsWithoutTimeSeries:
                LogGearsWithoutTimeSeries(source, Panels);
                break;
            case SeriesSource.ClusterWriter when settings.Writer == TimeSeriesWriterMode.Cluster:
                LogClusterForced(source, settings.Window, Describe(modules));
                break;
            case SeriesSource.ClusterWriter:
                LogClusterWriter(source, settings.Window);
                break;
            case SeriesSource.NoModules:
                LogNoModules(source, Panels);
                break;
            case SeriesSource.Unknown:
                LogUnknown(source, modules.Error ?? "no reply", Panels);
                break;
            default:
                LogDisabled(source);
                break;
        }

        Source = source;
        return source;
    }

    /// <summary>
    /// The registrar may still be at work when a silo starts (compose starts the silos after it, a
    /// hand-made setup may not): look again every second for up to <paramref name="wait"/>, so a
    /// registration that is on its way causes no warning.
    /// </summary>
    private static async Task<(GearsRegistration Status, string? Error)> WaitForRegistrationAsync(IDatabaseAsync database, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var result = await GearsRegistrations.CheckAsync(database);
            if (result.Status != GearsRegistration.Missing || DateTime.UtcNow >= deadline)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await DetectAndReportAsync() != SeriesSource.ClusterWriter)
        {
            return;
        }

        var writer = grains.GetGrain<ITimeSeriesWriterGrain>(ITimeSeriesWriterGrain.Key);
        await KeepAliveLoop.RunAsync(options.Value.KeepAliveInterval, () => writer.Start().AsTask(), LogPingFailed, stoppingToken);
    }

    private static string Describe(RedisModules modules) =>
        modules.Names is null ? $"unknown ({modules.Error})" : modules.Names.Count == 0 ? "none" : string.Join(", ", modules.Names.Order(StringComparer.Ordinal));

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Time series ({Source}): RedisGears and RedisTimeSeries are loaded; the Gears registration '{Registration}' writes the ts:* series, the cluster writes none (registration {Status})")]
    private partial void LogGears(SeriesSource source, string registration, string status);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Time series ({Source}): RedisGears is loaded but has no registration '{Registration}' (waited {Wait} for the registrar); run gears/register.sh (the compose 'gears' service) or the dashboard panels {Panels} stay empty")]
    private partial void LogGearsNotRegistered(SeriesSource source, string registration, TimeSpan wait, string panels);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "Time series ({Source}): RedisGears is loaded but RedisTimeSeries is not; nothing can write the ts:* series and the dashboard panels {Panels} stay empty")]
    private partial void LogGearsWithoutTimeSeries(SeriesSource source, string panels);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information,
        Message = "Time series ({Source}): RedisTimeSeries is loaded without RedisGears; the cluster writes the ts:* series itself, one writer grain, every {Window}")]
    private partial void LogClusterWriter(SeriesSource source, TimeSpan window);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information,
        Message = "Time series ({Source}): TimeSeries:Writer is Cluster; the cluster writes the ts:* series itself, one writer grain, every {Window} (modules: {Modules})")]
    private partial void LogClusterForced(SeriesSource source, TimeSpan window, string modules);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "Time series ({Source}): Redis has neither RedisGears nor RedisTimeSeries; nothing writes the ts:* series and the dashboard panels {Panels} stay empty")]
    private partial void LogNoModules(SeriesSource source, string panels);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "Time series ({Source}): cannot list the Redis modules ({Error}); the cluster writes no ts:* series. Unless the Gears script writes them, the dashboard panels {Panels} stay empty; on a Redis with RedisTimeSeries and no RedisGears set TimeSeries:Writer=Cluster")]
    private partial void LogUnknown(SeriesSource source, string error, string panels);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information,
        Message = "Time series ({Source}): TimeSeries:Writer is Off; the cluster writes no ts:* series")]
    private partial void LogDisabled(SeriesSource source);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Could not reach the time series writer grain; retrying")]
    private partial void LogPingFailed(Exception error);
}
