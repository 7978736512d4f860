using PopupStore.Grains.Telemetry;
using PopupStore.Silo.Storefront;

namespace PopupStore.Silo.Telemetry;

/// <summary>
/// Creates the order and storefront series the dashboard reads as the silo starts, so that the first burst of a
/// sale, even one shorter than a scrape interval, shows as an increase (docs/dashboard.md).
/// </summary>
/// <remarks>Registered after the metrics pipeline, so its meter provider is listening when this runs.</remarks>
public sealed class MetricSeriesStart : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        PopupMetrics.StartSeries();
        StorefrontMetrics.StartSeries();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
