using System.Diagnostics;
using PopupStore.Core.Invariants;
using PopupStore.Core.Sales;
using PopupStore.LoadClient.Load;
using PopupStore.LoadClient.Report;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>Runs every measurement of the benchmark on one Redis, one after another, and builds the table.</summary>
public sealed class BenchRunner(IConnectionMultiplexer redis, string connectionString, BenchScenario scenario, TextWriter log)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(5);

    public async Task<BenchRow> LimitAsync(int ordersPerCall)
    {
        var name = ordersPerCall == 1 ? "limit" : $"limit-batch-{ordersPerCall}";
        log.WriteLine($"{name}: the completion script alone, pipelined, {ordersPerCall} order(s) per call");
        var cpuBefore = await RedisCpu.ReadAsync(redis);
        var scriptBefore = await ScriptTime.ReadAsync(redis);
        var (rate, orders) = await LimitBenchmark.RunAsync(redis, scenario, ordersPerCall);
        var script = RedisCpu.MicrosecondsPerOrder(scriptBefore, await ScriptTime.ReadAsync(redis), orders);
        var redisCpu = RedisCpu.MicrosecondsPerOrder(cpuBefore, await RedisCpu.ReadAsync(redis), orders);
        log.WriteLine($"{name}: {rate:0} orders/s, Redis {redisCpu:0.0} us per order, {script:0.0} of them inside the script (its calls as Redis times them)");
        return new BenchRow(name, Math.Round(rate, 1), null, null, null, null, RedisCpuMicrosecondsPerOrder: redisCpu)
        {
            ScriptMicrosecondsPerOrder = script,
        };
    }

    /// <summary>
    /// Orleans alone on this machine (<see cref="OrleansFloorProcess"/>): a row for calls that each activate a new
    /// customer grain, as a purchase crowd's first orders do, one for the same with the grain waiting for a batched
    /// answer inside its turn (the real grain's shape), one for calls to active grains. Calls per second go in the
    /// orders/s column, CPU per call in the silo CPU column. As many calls as the purchase crowd has buyers.
    /// </summary>
    public async Task<IReadOnlyList<BenchRow>> OrleansFloorAsync(string? dll, int batchSize)
    {
        const string name = "orleans-floor";
        if (dll is null || !File.Exists(dll))
        {
            const string why = "PopupStore.Bench.Floor.dll not found; build the solution";
            log.WriteLine($"{name}: not measured: {why}");
            return [new BenchRow(name, 0, null, null, null, null, Passed: true, Note: why)];
        }

        var calls = Math.Max(1_000, Math.Min(scenario.Buyers, 30_000));
        log.WriteLine($"{name}: one silo, no Redis, an empty customer grain; {calls} calls to new grains, as many to new grains that wait, then to active ones");
        OrleansFloorProcess.Measured floor;
        try
        {
            floor = await OrleansFloorProcess.RunAsync(dll, calls, batchSize, TimeSpan.FromMinutes(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.Text.Json.JsonException)
        {
            // The other measures do not depend on this one: the row fails, the benchmark goes on.
            log.WriteLine($"{name}: FAILED: {ex.Message}");
            return [new BenchRow(name, 0, null, null, null, null, Passed: false, Note: $"failed: {ex.Message}")];
        }

        // Warm-up calls activate grains too: every measured call to a new grain must have met one of its own.
        var passed = floor.Activations >= 2L * floor.Calls;
        log.WriteLine($"{name}: new grains {floor.NewCpuMicrosecondsPerCall:0.0} us of CPU per call ({floor.NewCallsPerSecond:0} calls/s), " +
            $"new grains waiting {floor.NewWaitingCpuMicrosecondsPerCall:0.0} us ({floor.NewWaitingCallsPerSecond:0} calls/s), " +
            $"active grains {floor.WarmCpuMicrosecondsPerCall:0.0} us ({floor.WarmCallsPerSecond:0} calls/s), {floor.Activations} activations");
        return
        [
            new BenchRow(name, floor.NewCallsPerSecond, null, null, null, null, SiloCpuMicrosecondsPerOrder: floor.NewCpuMicrosecondsPerCall, Passed: passed),
            new BenchRow($"{name}-wait", floor.NewWaitingCallsPerSecond, null, null, null, null, SiloCpuMicrosecondsPerOrder: floor.NewWaitingCpuMicrosecondsPerCall, Passed: passed),
            new BenchRow($"{name}-warm", floor.WarmCallsPerSecond, null, null, null, null, SiloCpuMicrosecondsPerOrder: floor.WarmCpuMicrosecondsPerCall, Passed: passed),
        ];
    }

    /// <summary>The seed demo's design made correct: orders answered inside Redis by a RedisGears StreamReader.</summary>
    public async Task<BenchRow> SeedGearsAsync()
    {
        const string name = "seed-gears";
        var gears = new SeedGears.SeedGearsProcessor(redis);
        if (await gears.WhyUnavailableAsync() is { } why)
        {
            log.WriteLine($"{name}: not measured: {why}");
            return new BenchRow(name, 0, null, null, null, null, Passed: true, Note: why);
        }

        log.WriteLine($"{name}: RedisGears StreamReader on queue:orders (batch 500), seed_orders.py");
        return await MeasureAsync(name, async run =>
        {
            await gears.RegisterAsync();
            try
            {
                return await run();
            }
            finally
            {
                await gears.UnregisterAsync();
            }
        });
    }

    public async Task<BenchRow> DirectAsync(int consumers, int batchSize)
    {
        log.WriteLine($"direct: one process, {consumers} consumers, batches of {batchSize}, no Orleans");
        return await MeasureAsync("direct", async run =>
        {
            using var stop = new CancellationTokenSource();
            var consumer = new DirectConsumer(redis, consumers, batchSize).RunAsync(stop.Token);
            try
            {
                return await run();
            }
            finally
            {
                await stop.CancelAsync();
                await consumer;
            }
        });
    }

    /// <param name="viaHttp">
    /// Buyers post to the silos' storefronts in turn instead of writing the streams, each from an address of its own as
    /// through the compose stack's proxy, with both storefront limits at their shipped defaults.
    /// </param>
    /// <param name="suffix">Appended to the row's name, for a variant of the same cluster (e.g. "durable").</param>
    /// <param name="replicas">The replicas of the Redis, when the row runs with them: their CPU and work are read too.</param>
    public async Task<BenchRow> ClusterAsync(
        string siloDll, int silos, IReadOnlyDictionary<string, string> settings, bool viaHttp = false, string? suffix = null,
        ReplicaProcesses? replicas = null)
    {
        var name = (viaHttp ? $"cluster-{silos}-http" : $"cluster-{silos}") + (suffix is null ? string.Empty : "-" + suffix);
        log.WriteLine($"{name}: {silos} silo process(es){(viaHttp ? ", buyers through the storefront" : string.Empty)}");
        await using var processes = await StartSilosAsync(siloDll, silos, settings, viaHttp);
        var before = processes.MemoryMiB().Sum();
        var cpuBefore = processes.CpuTime();
        var answered = 0;
        var row = await MeasureAsync(name, async run =>
        {
            var report = await run();
            answered += report.Answered;
            return report;
        }, viaHttp ? new StorefrontTarget(processes.Storefronts, AddressPerBuyer: true) : null, processes.CpuTimes, processes.GcPausesAsync, silos, replicas);
        var cpuPerOrder = (processes.CpuTime() - cpuBefore).TotalMicroseconds / Math.Max(1, answered);
        var after = processes.MemoryMiB().Sum();
        log.WriteLine($"{name}: silo CPU {cpuPerOrder:0} us per answered order");
        return row with
        {
            SiloCpuMicrosecondsPerOrder = Math.Round(cpuPerOrder, 1),
            PeakMemoryMiB = processes.PeakMemoryMiB(),
            MiBPer100kBuyers = Math.Round(Math.Max(0, after - before) / scenario.Buyers * 100_000, 1),
        };
    }

    /// <summary>A flash crowd (saturation), then a steady stream at half the saturated rate (latency).</summary>
    /// <param name="siloCpu">Each silo's CPU so far, when the measure runs silos: read around the purchase crowd alone.</param>
    /// <param name="siloGcPauses">The silos' GC pause histograms, when the measure runs silos: read around the steady crowd.</param>
    private async Task<BenchRow> MeasureAsync(
        string name,
        Func<Func<Task<RunReport>>, Task<RunReport>> around,
        StorefrontTarget? storefront = null,
        Func<IReadOnlyList<TimeSpan>>? siloCpu = null,
        Func<Task<GcPauses.Snapshot?>>? siloGcPauses = null,
        int silos = 0,
        ReplicaProcesses? replicas = null)
    {
        var cpuBefore = await RedisCpu.ReadAsync(redis);
        await new SaleStore(redis).StartAsync(scenario.Units, TimeSpan.FromHours(1), force: true);
        var flash = await around(() => RunCommand.ExecuteAsync(
            redis, Crowd(scenario.Buyers), TextWriter.Null, CancellationToken.None, storefront: storefront));
        log.WriteLine($"{name}: flash {flash.OrdersPerSecond:0} orders/s, p50 {flash.Latency.P50} ms, p99 {flash.Latency.P99} ms, invariants {(flash.Passed ? "ok" : "FAIL")}");
        // Read before the next sale replaces the outcome streams: the flash crowd is the one larger than the stock.
        var firstCome = await ArrivalOrder.MeasureAsync(redis);
        log.WriteLine($"{name}: first come, first served: {firstCome}");

        // The flash crowd is mostly rejections once the units are gone, the cheap path. Latency is
        // measured on the expensive one: a sale with stock for everybody, first saturated to find the
        // rate this path sustains, then fed steadily at half that rate.
        var purchaseBuyers = Math.Min(scenario.Buyers, 30_000);
        await new SaleStore(redis).StartAsync(purchaseBuyers, TimeSpan.FromHours(1), force: true);
        // CPU is taken when the last answer is in, before the client reads the answers and checks the invariants:
        // that checking is the benchmark's, the same for every row, not the cost of answering a crowd.
        var purchaseCpuBefore = await RedisCpu.ReadAsync(redis);
        var clientCpuBefore = ClientCpu();
        var siloCpuBefore = siloCpu?.Invoke();
        var replicaCpuBefore = replicas?.CpuTime();
        var commandsBefore = await CommandStats.ReadAsync(redis);
        var replicaCommandsBefore = replicas is null ? null : await replicas.CommandStatsAsync();
        IReadOnlyDictionary<string, (long Calls, long Microseconds)>? replicaCommandsAnswered = null;
        var purchaseStarted = Stopwatch.GetTimestamp();
        IReadOnlyDictionary<string, (long Calls, long Microseconds)>? commandsAnswered = null;
        TimeSpan? replicaCpuAnswered = null;
        var purchaseElapsed = TimeSpan.Zero;
        TimeSpan? redisCpuAnswered = null, clientCpuAnswered = null;
        IReadOnlyList<TimeSpan>? siloCpuAnswered = null;
        var purchases = await around(() => RunCommand.ExecuteAsync(
            redis, Crowd(purchaseBuyers), TextWriter.Null, CancellationToken.None, storefront: storefront,
            answersIn: async () =>
            {
                clientCpuAnswered = ClientCpu();
                siloCpuAnswered = siloCpu?.Invoke();
                replicaCpuAnswered = replicas?.CpuTime();
                purchaseElapsed = Stopwatch.GetElapsedTime(purchaseStarted);
                redisCpuAnswered = await RedisCpu.ReadAsync(redis);
                commandsAnswered = await CommandStats.ReadAsync(redis);
                replicaCommandsAnswered = replicas is null ? null : await replicas.CommandStatsAsync();
            }));
        var redisCpuChecked = await RedisCpu.ReadAsync(redis);
        var purchaseRedisCpu = RedisCpu.MicrosecondsPerOrder(purchaseCpuBefore, redisCpuAnswered ?? redisCpuChecked, purchases.Answered);
        var purchaseRedisCpuChecked = RedisCpu.MicrosecondsPerOrder(purchaseCpuBefore, redisCpuChecked, purchases.Answered);
        var purchaseClientCpu = ((clientCpuAnswered ?? ClientCpu()) - clientCpuBefore).TotalMicroseconds / Math.Max(1, purchases.Answered);
        // The silos' own figure for the crowd alone: their start, compilation of first calls (the flash crowd's) and idle
        // time between the crowds stay out, so it compares with Orleans' floor, which is also measured after a warm-up.
        var purchaseSilos = siloCpuBefore is { } siloBefore ? SiloCpuSpent(siloBefore, siloCpuAnswered ?? siloCpu!()) : null;
        double? purchaseSiloCpu = purchaseSilos is { } spent
            ? Math.Round(spent.Sum(t => t.TotalMicroseconds) / Math.Max(1, purchases.Answered), 1)
            : null;
        var purchaseSiloShares = purchaseSilos is { Count: > 1 } several ? SiloCpuShares(several) : null;
        var siloPart = purchaseSiloCpu is { } s
            ? $", the silos {s:0} us{(purchaseSiloShares is { } shares ? $" (shares {string.Join(" / ", shares.Select(x => $"{x:0}%"))})" : string.Empty)}"
            : string.Empty;
        double? purchaseReplicaCpu = replicaCpuBefore is { } replicasBefore
            ? Math.Round(((replicaCpuAnswered ?? replicas!.CpuTime()) - replicasBefore).TotalMicroseconds / Math.Max(1, purchases.Answered), 1)
            : null;
        var replicaPart = purchaseReplicaCpu is { } r ? $", the replicas {r:0} us" : string.Empty;
        log.WriteLine($"{name}: purchases saturated at {purchases.OrdersPerSecond:0} orders/s; CPU per order until the last answer: Redis {purchaseRedisCpu:0.0} us ({purchaseRedisCpuChecked:0.0} with the check after), this client {purchaseClientCpu:0} us{siloPart}{replicaPart}; invariants {(purchases.Passed ? "ok" : "FAIL")}");
        if (commandsAnswered is { } commands)
        {
            log.WriteLine($"{name}: purchases, Redis' time by command: {CommandStats.Describe(commandsBefore, commands, purchaseElapsed, purchases.Answered)}");
        }

        if (replicaCommandsBefore is { } replicaBefore && replicaCommandsAnswered is { } replicaAfter)
        {
            log.WriteLine($"{name}: purchases, the first replica's time by command: {CommandStats.Describe(replicaBefore, replicaAfter, purchaseElapsed, purchases.Answered, top: 8)}");
        }

        var ordersPerBuyer = purchases.Buyers > 0 ? (double)purchases.OrdersWritten / purchases.Buyers : 1;
        var arrivals = Math.Max(1, purchases.OrdersPerSecond / 2 / ordersPerBuyer);
        var buyers = (int)Math.Max(100, arrivals * scenario.SteadyDuration.TotalSeconds);
        await new SaleStore(redis).StartAsync(buyers, TimeSpan.FromHours(1), force: true);
        var gcBefore = siloGcPauses is null ? null : await siloGcPauses();
        var steady = await around(() => RunCommand.ExecuteAsync(
            redis, new LoadSettings(buyers, scenario.DuplicateRatio, arrivals, 0, 0, AnswerTimeout, scenario.Seed), TextWriter.Null, CancellationToken.None, storefront: storefront));
        var gcAfter = gcBefore is null ? null : await siloGcPauses!();
        var steadyGc = gcBefore is { } b && gcAfter is { } a ? GcPauses.Between(b, a) : null;
        // The share of the steady crowd's time a silo spent stopped for its collections (on average over the silos).
        var steadySeconds = steady.OrdersPerSecond > 0 ? steady.Answered / steady.OrdersPerSecond : 0;
        double? steadyPaused = steadyGc is { } gc && steadySeconds > 0 && silos > 0
            ? Math.Round(100 * gc.TotalMs / 1000 / (steadySeconds * silos), 1)
            : null;
        var gcPart = steadyGc is { } pauses
            ? $"; GC: {pauses.Count} pauses, the longest at most {(pauses.LongestAtMostMs is { } longest ? $"{longest:0} ms" : "past the last bucket")}, silos stopped {steadyPaused:0.0}% of the time"
            : string.Empty;
        log.WriteLine($"{name}: steady {steady.OrdersPerSecond:0} orders/s, p50 {steady.Latency.P50} ms, p99 {steady.Latency.P99} ms{gcPart}, invariants {(steady.Passed ? "ok" : "FAIL")}");
        var redisCpu = RedisCpu.MicrosecondsPerOrder(
            cpuBefore, await RedisCpu.ReadAsync(redis), flash.Answered + purchases.Answered + steady.Answered);
        log.WriteLine($"{name}: Redis {redisCpu:0.0} us per order over the three runs (the crowd's own writes included)");

        return new BenchRow(
            name,
            Math.Round(flash.OrdersPerSecond, 1),
            flash.Latency.P50,
            flash.Latency.P99,
            flash.Latency.Max,
            flash.SellOutAfterArrivalSeconds,
            Math.Round(purchases.OrdersPerSecond, 1),
            Math.Round(steady.OrdersPerSecond, 1),
            steady.Latency.P50,
            steady.Latency.P99,
            steady.Latency.Max,
            Passed: flash.Passed && purchases.Passed && steady.Passed,
            RedisCpuMicrosecondsPerOrder: redisCpu,
            PurchaseRedisCpuMicrosecondsPerOrder: purchaseRedisCpu,
            PurchaseClientCpuMicrosecondsPerOrder: Math.Round(purchaseClientCpu, 1),
            PurchaseSiloCpuMicrosecondsPerOrder: purchaseSiloCpu,
            PurchaseSiloCpuSharePercent: purchaseSiloShares,
            SteadyGcPauseLongestMs: steadyGc?.LongestAtMostMs,
            SteadyGcPausedPercent: steadyPaused)
        {
            FirstComePercent = Math.Round(100 * firstCome.Share, 2),
            LatestBuyerRank = firstCome.LatestBuyerRank,
            PurchaseReplicaCpuMicrosecondsPerOrder = purchaseReplicaCpu,
        };
    }

    /// <summary>
    /// First come, first served across both ways in: the flash crowd in two halves sent at the same moment, one writing
    /// the streams, the other through the storefront (an address per buyer). Only the flash crowd is measured: its rate,
    /// latency and arrival order over all the units.
    /// </summary>
    public async Task<BenchRow> MixedAsync(string siloDll, int silos, IReadOnlyDictionary<string, string> settings)
    {
        var name = $"cluster-{silos}-mixed";
        log.WriteLine($"{name}: {silos} silo process(es), half the flash crowd writing the streams and half through the storefront, at once");
        await using var processes = await StartSilosAsync(siloDll, silos, settings, storefront: true);
        await new SaleStore(redis).StartAsync(scenario.Units, TimeSpan.FromHours(1), force: true);
        var streamBuyers = scenario.Buyers / 2;
        var started = Stopwatch.GetTimestamp();
        var crowds = await Task.WhenAll(
            RunCommand.ExecuteAsync(
                redis, Crowd(streamBuyers), TextWriter.Null, CancellationToken.None),
            RunCommand.ExecuteAsync(
                redis, Crowd(scenario.Buyers - streamBuyers), TextWriter.Null, CancellationToken.None,
                storefront: new StorefrontTarget(processes.Storefronts, AddressPerBuyer: true)));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var orders = crowds.Sum(c => c.Answered);
        var firstCome = await ArrivalOrder.MeasureAsync(redis);
        var passed = crowds.All(c => c.Passed);
        log.WriteLine($"{name}: flash {orders / seconds:0} orders/s (both crowds, start to last answer), stream p99 {crowds[0].Latency.P99} ms, storefront p99 {crowds[1].Latency.P99} ms, invariants {(passed ? "ok" : "FAIL")}");
        log.WriteLine($"{name}: first come, first served: {firstCome}");
        return new BenchRow(name, Math.Round(orders / seconds, 1), null, null, null, null, Passed: passed)
        {
            FirstComePercent = Math.Round(100 * firstCome.Share, 2),
            LatestBuyerRank = firstCome.LatestBuyerRank,
        };
    }

    /// <summary>Fresh silo processes for one row; with <paramref name="storefront"/> buyers' X-Forwarded-For is trusted, as behind the compose proxy.</summary>
    private Task<SiloProcesses> StartSilosAsync(string siloDll, int silos, IReadOnlyDictionary<string, string> settings, bool storefront)
    {
        if (storefront)
        {
            settings = new Dictionary<string, string>(settings) { ["Storefront__TrustForwardedFor"] = "true" };
        }

        return SiloProcesses.StartAsync(siloDll, silos, connectionString, $"bench-{Guid.NewGuid():N}"[..14], settings, TimeSpan.FromSeconds(90));
    }

    /// <summary>A crowd of <paramref name="buyers"/> sent as fast as it goes, with the scenario's duplicates and seed.</summary>
    private LoadSettings Crowd(int buyers) => new(buyers, scenario.DuplicateRatio, null, 0, 0, AnswerTimeout, scenario.Seed);

    private static List<TimeSpan> SiloCpuSpent(IReadOnlyList<TimeSpan> before, IReadOnlyList<TimeSpan> after) =>
        [.. after.Zip(before, (a, b) => a > b ? a - b : TimeSpan.Zero)];

    /// <summary>
    /// Each silo's part of the silos' CPU, busiest first (which silo is busiest changes from run to run): how evenly
    /// the customer ring spread the crowd's customers, which decides what the busiest silo caps once each has cores of its own.
    /// </summary>
    public static IReadOnlyList<double>? SiloCpuShares(IReadOnlyList<TimeSpan> spent)
    {
        var total = spent.Sum(t => t.TotalMicroseconds);
        return total > 0 ? [.. spent.Select(t => Math.Round(100 * t.TotalMicroseconds / total, 1)).OrderDescending()] : null;
    }

    // The crowd runs in this process and shares the machine with what it measures: its own cost is shown, so a
    // ratio that moved because the client got cheaper (or dearer) is told apart from one the cluster moved.
    private static TimeSpan ClientCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
