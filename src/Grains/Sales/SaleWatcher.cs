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
/// Reads the sale's window a few times a second for the silo's fast path, and fences queue:orders at the end of
/// the window (every silo tries; the script does it once), so no producer can write an order that looks as if it
/// arrived in time after the sale ended. The fence is set at the closing instant itself, not at the next look at
/// the window: until it is set, an explicit entry id can still date an order inside the window, so that gap is
/// kept to a few milliseconds while a silo runs (docs/design.md, judged by arrival).
/// </summary>
public sealed partial class SaleWatcher(
    IConnectionMultiplexer redis,
    SaleStore sales,
    SaleSignals signals,
    IOptions<OrderProcessingOptions> options,
    ILogger<SaleWatcher> logger) : BackgroundService
{
    private long _fencedGeneration = -1;
    private long _fenceTimedFor = -1;

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

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (Volatile.Read(ref _fencedGeneration) == generation)
        {
            return;
        }

        if (now >= closes)
        {
            await FenceAsync(generation, closes);
        }
        else if (closes - now <= 2 * (long)options.Value.SaleWatchInterval.TotalMilliseconds && _fenceTimedFor != generation)
        {
            // The end comes before the next look or the one after: set the fence at the instant itself.
            _fenceTimedFor = generation;
            _ = FenceAtAsync(generation, closes, TimeSpan.FromMilliseconds(closes - now));
        }
    }

    private async Task FenceAtAsync(long generation, long closes, TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait);

            // The script reads Redis' clock, which may be a little behind this host's: try again for a moment.
            for (var attempt = 0; attempt < 100 && Volatile.Read(ref _fencedGeneration) != generation; attempt++)
            {
                if (await FenceAsync(generation, closes))
                {
                    return;
                }

                await Task.Delay(2);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The regular look at the window fences it instead.
            LogRefreshFailed(ex);
        }
    }

    private async Task<bool> FenceAsync(long generation, long closes)
    {
        if (!await sales.FenceIfOverAsync())
        {
            return false;
        }

        if (Interlocked.Exchange(ref _fencedGeneration, generation) != generation)
        {
            LogFenced(generation, closes);
        }

        return true;
    }

    // RedisValue.TryParse reads a missing field as 0; a missing field here means "not set".
    private static long? Number(RedisValue value) => !value.IsNull && value.TryParse(out long number) ? number : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sale {Generation} window ended at {Closes}; queue:orders fenced there")]
    private partial void LogFenced(long generation, long closes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the sale window; retrying")]
    private partial void LogRefreshFailed(Exception error);
}
