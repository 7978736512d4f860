using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.Grains.Hosting;
using PopupStore.Grains.Orders;
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
        if (Number(fields[1]) is not { } opens || Number(fields[2]) is not { } closes)
        {
            signals.Update(null);
            return;
        }

        var generation = Number(fields[0]) ?? 0;
        var window = new SaleWindow(generation, opens, closes, Number(fields[3]));
        signals.Update(window);

        if (_fencedGeneration != generation
            && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= closes
            && await sales.FenceIfOverAsync())
        {
            _fencedGeneration = generation;
            LogFenced(generation, closes);
        }
    }

    // RedisValue.TryParse reads a missing field as 0; a missing field here means "not set".
    private static long? Number(RedisValue value) => !value.IsNull && value.TryParse(out long number) ? number : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sale {Generation} window ended at {Closes}; queue:orders fenced there")]
    private partial void LogFenced(long generation, long closes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sale window; retrying")]
    private partial void LogRefreshFailed(Exception error);
}
