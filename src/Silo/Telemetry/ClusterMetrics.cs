using System.Diagnostics.Metrics;

namespace PopupStore.Silo.Telemetry;

/// <summary>Publishes how many silos this silo sees as active, for the dashboard's "silos alive" panel.</summary>
public sealed class ClusterMetrics(IClusterMembershipService membership) : IHostedService, IDisposable
{
    public const string MeterName = "PopupStore.Cluster";

    private readonly Meter _meter = new(MeterName);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _meter.CreateObservableGauge(
            "popupstore.cluster.silos_active",
            () => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active),
            "{silo}",
            "Silos this silo sees as active in the cluster");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _meter.Dispose();
}
