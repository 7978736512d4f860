using System.Diagnostics;
using System.Net;
using PopupStore.FaultTests.Infrastructure;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// Each silo's /health sampled through a failover, so the test output says how long each was unhealthy (its Redis
/// gone, or not an Active member) and whether it came back on its own.
/// </summary>
public sealed class HealthLog(IReadOnlyList<SiloProcess> silos, Stopwatch clock)
{
    private readonly List<(SiloProcess Silo, TimeSpan At, bool Healthy)> _samples = [];

    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var statuses = await Task.WhenAll(silos.Select(s => s.HealthAsync()));
            lock (_samples)
            {
                _samples.AddRange(silos.Select((s, i) => (s, clock.Elapsed, statuses[i] == HttpStatusCode.OK)));
            }

            try
            {
                await Task.Delay(250, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Per silo: the span from its first to its last unhealthy sample, or that it never was.</summary>
    public override string ToString()
    {
        lock (_samples)
        {
            return string.Join("; ", silos.Select(s =>
            {
                var down = _samples.Where(x => x.Silo == s && !x.Healthy).Select(x => x.At).ToList();
                return down.Count == 0
                    ? $"{s.App.Name} healthy throughout"
                    : $"{s.App.Name} unhealthy in {down.Count} samples between {down.Min().TotalSeconds:0.0} and {down.Max().TotalSeconds:0.0} s";
            }));
        }
    }
}
