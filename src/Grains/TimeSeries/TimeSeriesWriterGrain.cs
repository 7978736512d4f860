using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PopupStore.Grains.TimeSeries;

/// <summary>
/// Writes the <c>ts:*</c> queue series once per window when Redis has RedisTimeSeries but no RedisGears.
/// </summary>
/// <remarks>
/// One writer per cluster comes from Orleans' single activation of key "0"; every silo keeps it
/// active, so when its silo dies the next ping activates it elsewhere. Orleans may briefly run two
/// activations (membership changes); that is harmless: both read the window from Redis' clock, write
/// it with that window's end as the explicit timestamp and ON_DUPLICATE LAST, so the second write
/// replaces the first point instead of adding one, and the per-5 s sums in Grafana are not doubled.
/// </remarks>
public sealed partial class TimeSeriesWriterGrain(
    IConnectionMultiplexer redis,
    ISeriesSink sink,
    IOptions<TimeSeriesOptions> options,
    ILocalSiloDetails silo,
    ILogger<TimeSeriesWriterGrain> logger) : Grain, ITimeSeriesWriterGrain
{
    private readonly TimeSeriesOptions _options = options.Value;
    private QueueWindowSampler _sampler = null!;
    private bool _seriesReady;
    private long? _clockOffsetMs;
    private bool _failing;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sampler = new QueueWindowSampler();
        // Look often, write once per window: the snapshot should follow the window's end closely.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.Window.TotalMilliseconds / 10, 50, 500));
        _timer = this.RegisterGrainTimer(
            static (grain, _) => grain.TickAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = period, Interleave = false, KeepAlive = true });
        LogActive(silo.SiloAddress, _options.Window);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        LogInactive(silo.SiloAddress, reason.Description);
        return Task.CompletedTask;
    }

    public ValueTask Start() => ValueTask.CompletedTask;

    private async Task TickAsync()
    {
        var windowMs = (long)_options.Window.TotalMilliseconds;
        var localNow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_sampler.LastWindowEnd is { } last && _clockOffsetMs is { } offset && localNow + offset < last + windowMs)
        {
            return;   // the next window has not closed yet (on Redis' clock)
        }

        try
        {
            if (!_seriesReady)
            {
                await sink.EnsureSeriesAsync(QueueSeries.Definitions, _options.Retention);
                _seriesReady = true;
            }

            var snapshot = await QueueSnapshot.ReadAsync(redis.GetDatabase(), QueueSeries.Streams, _options.Window);
            _clockOffsetMs = snapshot.NowMs - localNow;
            var samples = _sampler.Sample(snapshot);
            if (samples.Count > 0)
            {
                await sink.AddAsync(samples);
            }

            if (_failing)
            {
                _failing = false;
                LogRecovered();
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _seriesReady = false;   // create them again next time (the module may have been loaded since)
            if (!_failing)
            {
                _failing = true;
                LogWriteFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Time series writer active on {Silo}: ts:* queue series every {Window}")]
    private partial void LogActive(SiloAddress silo, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Information, Message = "Time series writer leaving {Silo}: {Reason}")]
    private partial void LogInactive(SiloAddress silo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Time series writer cannot write ts:* series; retrying every window")]
    private partial void LogWriteFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Time series writer writes again")]
    private partial void LogRecovered();
}
