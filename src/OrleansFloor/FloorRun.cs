using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PopupStore.OrleansFloor.Grains;

namespace PopupStore.OrleansFloor;

/// <summary>
/// One silo in this process, no Redis, no cluster peers: an empty customer grain called in batches, once per new
/// customer and once more per customer already active. What is left of a real silo's CPU per order above these
/// figures is the order path's own work; what is below them no change to that path can reach.
/// </summary>
public static class FloorRun
{
    /// <summary>Calls before measuring, so the measured phases run compiled code, as the benchmark's silos do by their crowd's end.</summary>
    public const int WarmUpCalls = 2_000;

    public static async Task<FloorResult> RunAsync(int calls, int batchSize, TextWriter progress)
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Orleans.Runtime.Silo", LogLevel.Error))
            // Gateway port 0: no client gateway, nothing but the silo port to find free.
            .UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0, serviceId: "orleans-floor", clusterId: "orleans-floor"))
            .Build();
        await host.StartAsync();
        try
        {
            var caller = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IFloorCallerGrain>("caller");
            progress.WriteLine($"orleans-floor: warming up with {WarmUpCalls} calls");
            await caller.CallCustomers("warm-up", WarmUpCalls, batchSize);
            GC.Collect();

            progress.WriteLine($"orleans-floor: {calls} calls to new customer grains, batches of {batchSize}");
            var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var (newRate, newCpu) = await MeasureAsync(() => caller.CallCustomers("customer", calls, batchSize), calls);
            var gcAfter = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

            progress.WriteLine($"orleans-floor: the same {calls} calls to the grains now active");
            var (warmRate, warmCpu) = await MeasureAsync(() => caller.CallCustomers("customer", calls, batchSize), calls);

            var activations = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEmptyCustomerGrain>("customer-0").Activations();
            return new FloorResult(
                calls, batchSize, Math.Round(newRate, 1), Math.Round(newCpu, 1), Math.Round(warmRate, 1), Math.Round(warmCpu, 1),
                activations, gcAfter.Item1 - gcBefore.Item1, gcAfter.Item2 - gcBefore.Item2, gcAfter.Item3 - gcBefore.Item3);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<(double CallsPerSecond, double CpuMicrosecondsPerCall)> MeasureAsync(Func<Task<int>> phase, int calls)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var answered = await phase();
        clock.Stop();
        self.Refresh();
        if (answered != calls)
        {
            throw new InvalidOperationException($"{answered} of {calls} calls were answered");
        }

        return (calls / clock.Elapsed.TotalSeconds, (self.TotalProcessorTime - cpuBefore).TotalMicroseconds / calls);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
