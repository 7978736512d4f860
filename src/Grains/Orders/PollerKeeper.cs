using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PopupStore.Grains.Hosting;

namespace PopupStore.Grains.Orders;

/// <summary>
/// Keeps this silo's pollers active: grains only run when called, and a poller has to run all the time.
/// </summary>
public sealed partial class PollerKeeper(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<OrderProcessingOptions> options,
    ILogger<PollerKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var names = Enumerable.Range(0, settings.PollersPerSilo)
            .Select(i => PollerNames.For(silo.SiloAddress, i))
            .ToArray();
        LogKeeping(names.Length, silo.SiloAddress);

        await KeepAliveLoop.RunAsync(
            settings.KeepAliveInterval,
            () => Task.WhenAll(names.Select(name => grains.GetGrain<IOrderPollerGrain>(name).Start().AsTask())),
            LogPingFailed,
            stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keeping {Count} order pollers active on {Silo}")]
    private partial void LogKeeping(int count, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the order pollers; retrying")]
    private partial void LogPingFailed(Exception error);
}
