using System.Text.Json;
using PopupStore.Bench;

namespace PopupStore.Tests.LoadClient;

/// <summary>
/// The benchmark's orleans-floor rows: the floor program run as the benchmark runs it (its own process, a real
/// in-process silo), its runtime switches against the silo's, and the ratio the table prints from it.
/// </summary>
public sealed class OrleansFloorTests
{
    [Fact]
    public async Task Every_measured_call_meets_a_grain_of_its_own_and_is_answered()
    {
        var dll = BuildOutputs.FindBenchDll();
        Assert.True(dll is not null, "PopupStore.Bench.Floor.dll is not built");

        var floor = await OrleansFloorProcess.RunAsync(dll, calls: 300, batchSize: 50, TimeSpan.FromMinutes(2));

        Assert.Equal(300, floor.Calls);
        // Both warm-ups' grains plus one per measured call to a new grain, of either kind: a call that reused a
        // grain would leave fewer, and a call to an active grain that activated one again would leave more.
        Assert.Equal((2 * 300) + (2 * 2_000), floor.Activations);
        Assert.True(floor.NewCallsPerSecond > 0 && floor.NewWaitingCallsPerSecond > 0 && floor.WarmCallsPerSecond > 0);
        Assert.True(floor.NewCpuMicrosecondsPerCall > 0 && floor.NewWaitingCpuMicrosecondsPerCall > 0 && floor.WarmCpuMicrosecondsPerCall > 0);
    }

    [Fact]
    public async Task A_run_that_fails_says_why()
    {
        var dll = BuildOutputs.FindBenchDll();
        Assert.True(dll is not null, "PopupStore.Bench.Floor.dll is not built");

        // Under the floor program's minimum: it refuses the option and exits without measuring.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrleansFloorProcess.RunAsync(dll, calls: 5, batchSize: 50, TimeSpan.FromMinutes(1)));

        Assert.Contains("--calls: '5' is not a whole number from 100 to 10000000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Runtime.TieredPGO")]
    [InlineData("System.Runtime.TieredCompilation.QuickJit")]
    [InlineData("System.GC.Server")]
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")]
    public void The_floor_runs_with_the_silos_runtime_switches(string name)
    {
        var floorConfig = Path.ChangeExtension(BuildOutputs.FindBenchDll()!, ".runtimeconfig.json");
        var siloConfig = Path.ChangeExtension(BuildOutputs.FindSiloDll()!, ".runtimeconfig.json");

        Assert.Equal(Setting(siloConfig, name), Setting(floorConfig, name));
    }

    [Fact]
    public void Silo_cpu_is_compared_with_the_floors_of_new_grains_not_of_active_ones()
    {
        var report = new BenchReport(new BenchScenario(30_000, 10_000, 0.1, TimeSpan.FromSeconds(10)), "6.2.6", 2,
        [
            new BenchRow("orleans-floor", 30_000, null, null, null, null, SiloCpuMicrosecondsPerOrder: 40),
            new BenchRow("orleans-floor-wait", 25_000, null, null, null, null, SiloCpuMicrosecondsPerOrder: 50),
            new BenchRow("orleans-floor-warm", 150_000, null, null, null, null, SiloCpuMicrosecondsPerOrder: 8),
            new BenchRow("cluster-1", 20_000, 1, 2, 3, 0.5, SiloCpuMicrosecondsPerOrder: 60),
            new BenchRow("cluster-3", 18_000, 1, 2, 3, 0.5, SiloCpuMicrosecondsPerOrder: 100),
        ]);

        Assert.Equal(new Dictionary<string, double?> { ["cluster-1"] = 1.5, ["cluster-3"] = 2.5 }, report.SiloCpuOverFloor);
        Assert.Equal(new Dictionary<string, double?> { ["cluster-1"] = 1.2, ["cluster-3"] = 2.0 }, report.SiloCpuOverWaitingFloor);
        var printed = new StringWriter();
        report.Print(printed);
        Assert.Contains("over orleans-floor: cluster-1 = 1.50, cluster-3 = 2.50", printed.ToString(), StringComparison.Ordinal);
        Assert.Contains("over orleans-floor-wait: cluster-1 = 1.20, cluster-3 = 2.00", printed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Silo_cpu_over_the_floor_is_the_purchase_crowds_where_it_was_measured()
    {
        var report = new BenchReport(new BenchScenario(30_000, 10_000, 0.1, TimeSpan.FromSeconds(10)), "6.2.6", 2,
        [
            new BenchRow("orleans-floor", 30_000, null, null, null, null, SiloCpuMicrosecondsPerOrder: 40),
            new BenchRow("cluster-1", 20_000, 1, 2, 3, 0.5, SiloCpuMicrosecondsPerOrder: 60, PurchaseSiloCpuMicrosecondsPerOrder: 48),
            new BenchRow("cluster-3", 18_000, 1, 2, 3, 0.5, SiloCpuMicrosecondsPerOrder: 100, PurchaseSiloCpuMicrosecondsPerOrder: 70),
        ]);

        Assert.Equal(new Dictionary<string, double?> { ["cluster-1"] = 1.2, ["cluster-3"] = 1.75 }, report.SiloCpuOverFloor);
        var printed = new StringWriter();
        report.Print(printed);
        Assert.Contains("Silo CPU per order (purchase crowd) over orleans-floor: cluster-1 = 1.20, cluster-3 = 1.75", printed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("System.Runtime.TieredPGO")]
    [InlineData("System.Runtime.TieredCompilation.QuickJit")]
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")]
    public void The_crowd_compiles_like_the_silos_so_no_measure_pays_for_its_warm_up(string name)
    {
        var clientConfig = Path.ChangeExtension(typeof(BenchCommand).Assembly.Location, ".runtimeconfig.json");
        var siloConfig = Path.ChangeExtension(BuildOutputs.FindSiloDll()!, ".runtimeconfig.json");

        Assert.Equal(Setting(siloConfig, name), Setting(clientConfig, name));
    }

    private static string Setting(string runtimeConfig, string name)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty(name, out var value), $"{runtimeConfig} does not set {name}");
        return value.GetRawText();
    }
}
