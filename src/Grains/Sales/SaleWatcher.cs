using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.Hosting;
using PopupStore.Grains.Polling;
using StackExchange.Redis;

namespace PopupStore.Grains.Sales;

/// <summary>
/// Reads the sale's window a few times a second for the silo's fast path, and once the window is over
/// fences queue:orders at its end (every silo tries; the script does it once), so no producer can
/// write an order that looks as if it arrived in time after the sale ended.
/// </summary>
public sealed partial class SaleWatcher(
    IConnectionMultiplexer redis,
    SaleStore sales,
    SaleSignals signals,
    IOptions<OrderProcessingOptions> options,
    ILogger<SaleWatcher> logger) : BackgroundService
{
    private long _fencedGeneration = -1;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        KeepAliveLoop.RunAsync(options.Value.SaleWatchInterval, RefreshAsync, LogRefreshFailed, stoppingToken);

    private async Task RefreshAsync()
    {
        var fields = await redis.GetDatabase().HashGetAsync(
            RedisKeys.Sale, ["generation", "opens", "closes", "closed"]);
        if (!fields[1].TryParse(out long opens) || !fields[2].TryParse(out long closes))
        {
            signals.Update(null);
            return;
        }

        fields[0].TryParse(out long generation);
        var window = new SaleWindow(generation, opens, closes, fields[3].TryParse(out long closed) ? closed : null);
        signals.Update(window);

        if (_fencedGeneration != generation
            && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= closes
            && await sales.FenceIfOverAsync())
        {
            _fencedGeneration = generation;
            LogFenced(generation, closes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sale {Generation} window ended at {Closes}; queue:orders fenced there")]
    private partial void LogFenced(long generation, long closes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sale window; retrying")]
    private partial void LogRefreshFailed(Exception error);
}
