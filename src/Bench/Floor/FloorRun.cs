using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PopupStore.Bench.Floor.Grains;

namespace PopupStore.Bench.Floor;

/// <summary>
/// One silo in this process, no Redis, no cluster peers: an empty customer grain called in batches, once per new
/// customer (answering at once, and answering after a stand-in batcher as the real grain waits for its script), and
/// once more per customer already active. What is left of a real silo's CPU per order above these figures is the
/// order path's own work; what is below them no change to that path can reach.
/// </summary>
public static class FloorRun
{
    /// <summary>Calls of each kind before measuring, so the measured phases run compiled code, as the benchmark's silos do by their crowd's end.</summary>
    public const int WarmUpCalls = 2_000;

    // The two new-grain phases run in alternating slices: every live activation makes later garbage collections
    // dearer, and neither phase should be the one that always runs on the bigger heap.
    private const int Slices = 3;

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
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var caller = grains.GetGrain<IFloorCallerGrain>("caller");
            progress.WriteLine($"orleans-floor: warming up with {WarmUpCalls} calls of each kind");
            await caller.CallCustomers("warm-up", WarmUpCalls, batchSize, wait: false);
            await caller.CallCustomers("warm-up-wait", WarmUpCalls, batchSize, wait: true);
            GC.Collect();

            progress.WriteLine($"orleans-floor: {calls} calls to new customer grains answering at once and {calls} to new ones waiting for a batched answer, batches of {batchSize}");
            var answering = new Phase();
            var waiting = new Phase();
            var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            for (var slice = 0; slice < Slices; slice++)
            {
                var size = (calls / Slices) + (slice < calls % Slices ? 1 : 0);
                await answering.MeasureAsync(() => caller.CallCustomers($"customer-{slice}", size, batchSize, wait: false), size);
                await waiting.MeasureAsync(() => caller.CallCustomers($"waiting-{slice}", size, batchSize, wait: true), size);
            }

            var gcAfter = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

            progress.WriteLine($"orleans-floor: the first {calls} calls again, to the grains now active");
            var active = new Phase();
            for (var slice = 0; slice < Slices; slice++)
            {
                var size = (calls / Slices) + (slice < calls % Slices ? 1 : 0);
                await active.MeasureAsync(() => caller.CallCustomers($"customer-{slice}", size, batchSize, wait: false), size);
            }

            var activations = await grains.GetGrain<IEmptyCustomerGrain>("customer-0-0").Activations();
            return new FloorResult(
                calls, batchSize,
                answering.CallsPerSecond, answering.CpuMicrosecondsPerCall,
                waiting.CallsPerSecond, waiting.CpuMicrosecondsPerCall,
                active.CallsPerSecond, active.CpuMicrosecondsPerCall,
                activations, gcAfter.Item1 - gcBefore.Item1, gcAfter.Item2 - gcBefore.Item2, gcAfter.Item3 - gcBefore.Item3);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Wall time and the whole process' CPU (user + system) over the slices of one kind of call.</summary>
    private sealed class Phase
    {
        private TimeSpan _wall;
        private TimeSpan _cpu;
        private int _calls;

        public double CallsPerSecond => Math.Round(_calls / _wall.TotalSeconds, 1);

        public double CpuMicrosecondsPerCall => Math.Round(_cpu.TotalMicroseconds / _calls, 1);

        public async Task MeasureAsync(Func<Task<int>> slice, int calls)
        {
            using var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var answered = await slice();
            clock.Stop();
            self.Refresh();
            if (answered != calls)
            {
                throw new InvalidOperationException($"{answered} of {calls} calls were answered");
            }

            _wall += clock.Elapsed;
            _cpu += self.TotalProcessorTime - cpuBefore;
            _calls += calls;
        }
    }
}
