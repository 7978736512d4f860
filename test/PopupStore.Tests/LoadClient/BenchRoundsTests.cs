using PopupStore.Bench;

namespace PopupStore.Tests.LoadClient;

public sealed class BenchRoundsTests
{
    private static readonly BenchScenario Scenario = new(30_000, 10_000, 0.1, TimeSpan.FromSeconds(10));

    private static BenchRow Seed(double flash, double purchases) =>
        new("seed-gears", flash, 1000, 1500, 1600, 0.3, PurchaseOrdersPerSecond: purchases, RedisCpuMicrosecondsPerOrder: 60);

    private static BenchRow Cluster(double flash, double purchases, long steadyP99, double siloCpu, bool passed = true, double clientCpu = 45, double busiest = 40) =>
        new("cluster-1", flash, 2000, 2600, 2700, 1.4, purchases, purchases / 2, 5, steadyP99, steadyP99 + 20,
            [300 + steadyP99], 700, siloCpu, passed, 40, null, 34, clientCpu, siloCpu - 20, [busiest, 35, 100 - 35 - busiest]);

    [Fact]
    public void One_round_is_reported_as_measured()
    {
        var round = new List<BenchRow> { Seed(12_000, 17_000), Cluster(10_000, 10_000, 30, 110) };

        var report = BenchRounds.Fold(Scenario, "6.2.6", 2, [round]);

        Assert.Same(round, report.Rows);
        Assert.Null(report.Rounds);
        Assert.Empty(BenchRounds.RatioRanges(report));
    }

    [Fact]
    public void Every_figure_is_the_median_of_the_rounds_and_a_failed_round_fails_the_row()
    {
        var report = BenchRounds.Fold(Scenario, "6.2.6", 2,
        [
            [Seed(12_000, 17_000), Cluster(9_000, 10_000, 30, 110, clientCpu: 50, busiest: 45)],
            [Seed(14_000, 15_000), Cluster(11_000, 8_000, 90, 150, passed: false, clientCpu: 70, busiest: 60)],
            [Seed(13_000, 16_000), Cluster(10_000, 12_000, 40, 100, clientCpu: 60, busiest: 36)],
        ]);

        Assert.Equal(["seed-gears", "cluster-1"], report.Rows.Select(r => r.Name));
        var cluster = report.Rows[1];
        Assert.Equal(10_000, cluster.OrdersPerSecond);
        Assert.Equal(10_000, cluster.PurchaseOrdersPerSecond);
        Assert.Equal(40, cluster.SteadyP99);
        Assert.Equal(110, cluster.SiloCpuMicrosecondsPerOrder);
        Assert.Equal(90, cluster.PurchaseSiloCpuMicrosecondsPerOrder);
        // Rank by rank: the busiest silo's median share, then the next one's.
        Assert.Equal([45.0, 35.0, 20.0], cluster.PurchaseSiloCpuSharePercent!);
        Assert.Equal(60, cluster.PurchaseClientCpuMicrosecondsPerOrder);
        Assert.Equal([390.0], cluster.PeakMemoryMiB!);
        Assert.False(cluster.Passed);
        Assert.Equal(13_000, report.Rows[0].OrdersPerSecond);
        Assert.Equal(3, report.Rounds!.Count);
    }

    [Fact]
    public void Ratio_ranges_come_from_each_round_on_its_own()
    {
        var report = BenchRounds.Fold(Scenario, "6.2.6", 2,
        [
            [Seed(10_000, 20_000), Cluster(5_000, 10_000, 30, 110)],
            [Seed(10_000, 10_000), Cluster(9_000, 12_000, 30, 110)],
        ]);

        var ranges = BenchRounds.RatioRanges(report);

        Assert.Equal((0.5, 0.9), ranges["cluster-1/seed-gears"]);
        Assert.Equal((0.5, 1.2), ranges["cluster-1/seed-gears purchases"]);
        // Two rounds: the medians are the means, so the table's ratio is 7,000 / 10,000.
        Assert.Equal(0.7, report.Ratios["cluster-1/seed-gears"]);
        var printed = new StringWriter();
        report.Print(printed);
        Assert.Contains("median of 2 rounds", printed.ToString());
        Assert.Contains("cluster-1/seed-gears = 0.70 (0.50-0.90 over the rounds)", printed.ToString());
        Assert.Contains("| silo CPU us/order | silo CPU us/order purchases | silo CPU share % purchases | Redis us/order | Redis us/order purchases | client CPU us/order purchases | FCFS % flash | latest buyer rank flash | invariants |", printed.ToString());
        Assert.Contains("| 110 | 90 | 40 / 35 / 25 | 40.0 | 34.0 | 45 | - | - | ok |", printed.ToString());
        // Every line of the table has as many columns as its header.
        var table = printed.ToString().Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) || l.StartsWith("|---", StringComparison.Ordinal)).ToList();
        Assert.True(table.Count >= 4);
        Assert.All(table, l => Assert.Equal(table[0].Count(c => c == '|'), l.Count(c => c == '|')));
    }

    [Fact]
    public void The_cost_of_durable_answers_splits_into_the_replicas_and_the_gate()
    {
        static BenchRow Row(string name, double purchases, double? replicaCpu) =>
            new("cluster-3" + name, purchases, 2000, 2600, 2700, 1.4, purchases) { PurchaseReplicaCpuMicrosecondsPerOrder = replicaCpu };

        var report = BenchRounds.Fold(Scenario, "6.2.6", 2,
        [
            [Row(string.Empty, 20_000, null), Row("-replicas", 12_000, 30), Row("-durable", 10_000, 40)],
            [Row(string.Empty, 10_000, null), Row("-replicas", 8_000, 34), Row("-durable", 8_000, 36)],
        ]);

        // Medians 15,000 / 10,000 / 9,000: the replicas alone, the durable row over both baselines.
        Assert.Equal(0.667, report.Ratios["cluster-3-replicas/cluster-3 purchases"]);
        Assert.Equal(0.6, report.Ratios["cluster-3-durable/cluster-3 purchases"]);
        Assert.Equal(0.9, report.Ratios["cluster-3-durable/cluster-3-replicas purchases"]);
        Assert.Equal((0.6, 0.8), BenchRounds.RatioRanges(report)["cluster-3-replicas/cluster-3 purchases"]);
        Assert.DoesNotContain("cluster-3/direct", report.Ratios.Keys);
        Assert.Equal(32, report.Rows[1].PurchaseReplicaCpuMicrosecondsPerOrder);
        var printed = new StringWriter();
        report.Print(printed);
        Assert.Contains("Replicas' CPU us/order purchases (all replicas together): cluster-3-replicas = 32, cluster-3-durable = 38", printed.ToString());
    }

    [Fact]
    public void Redis_time_by_command_shows_the_costliest_and_always_the_gates_commands()
    {
        var before = new Dictionary<string, (long Calls, long Microseconds)> { ["evalsha"] = (100, 10_000), ["wait"] = (5, 10) };
        var after = new Dictionary<string, (long Calls, long Microseconds)>
        {
            ["evalsha"] = (300, 50_000),
            ["xadd"] = (2_100, 20_000),
            ["wait"] = (105, 20),
            ["get"] = (50, 100),
        };

        var described = CommandStats.Describe(before, after, TimeSpan.FromSeconds(2), orders: 1_000, top: 1);

        Assert.Equal("evalsha 100/s 40.00 us/order, wait 50/s 0.01 us/order", described);
    }

    [Fact]
    public void Silo_cpu_shares_are_each_silos_part_busiest_first()
    {
        var shares = BenchRunner.SiloCpuShares([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)]);

        Assert.Equal([60.0, 20.0, 20.0], shares!);
        Assert.Null(BenchRunner.SiloCpuShares([TimeSpan.Zero, TimeSpan.Zero]));
    }

    [Fact]
    public void A_measure_no_round_could_take_keeps_its_reason()
    {
        var unmeasured = new BenchRow("seed-gears", 0, null, null, null, null, Note: "no RedisGears in this Redis");

        var row = BenchRounds.Median([unmeasured, unmeasured]);

        Assert.Equal("no RedisGears in this Redis", row.Note);
    }
}
