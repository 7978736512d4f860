using PopupStore.Bench;

namespace PopupStore.Tests.LoadClient;

/// <summary>The benchmark's reading of the silos' GC pause histograms around a crowd.</summary>
public sealed class GcPausesTests
{
    // As a silo's /metrics shows it (OpenTelemetry's Prometheus exporter), two generations, a few buckets.
    private static string Metrics(long gen0At15, long gen0At30, long gen0Total, double gen0Sum, long gen1At50, long gen1Total, double gen1Sum) =>
        $$"""
        # TYPE popupstore_gc_pause_milliseconds histogram
        # HELP popupstore_gc_pause_milliseconds Each garbage collection's pause of this silo (all threads stopped), by generation
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="0",le="15"} {{gen0At15}}
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="0",le="30"} {{gen0At30}}
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="0",le="50"} {{gen0Total}}
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="0",le="+Inf"} {{gen0Total}}
        popupstore_gc_pause_milliseconds_sum{otel_scope_name="PopupStore.Runtime",generation="0"} {{gen0Sum}}
        popupstore_gc_pause_milliseconds_count{otel_scope_name="PopupStore.Runtime",generation="0"} {{gen0Total}}
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="1",le="15"} 0
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="1",le="30"} 0
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="1",le="50"} {{gen1At50}}
        popupstore_gc_pause_milliseconds_bucket{otel_scope_name="PopupStore.Runtime",generation="1",le="+Inf"} {{gen1Total}}
        popupstore_gc_pause_milliseconds_sum{otel_scope_name="PopupStore.Runtime",generation="1"} {{gen1Sum}}
        popupstore_gc_pause_milliseconds_count{otel_scope_name="PopupStore.Runtime",generation="1"} {{gen1Total}}
        popupstore_orders_total{otel_scope_name="PopupStore",outcome="complete"} 12
        """;

    [Fact]
    public void The_longest_pause_is_the_first_bucket_holding_every_pause_of_the_crowd()
    {
        var before = GcPauses.Snapshot.Parse(Metrics(5, 8, 8, 100.5, 0, 0, 0))!;
        var after = GcPauses.Snapshot.Parse(Metrics(9, 14, 14, 210.5, 2, 2, 80))!;

        var pauses = GcPauses.Between(before, after);

        Assert.Equal(8, pauses.Count);
        // Two gen0 pauses between 15 and 30 and two gen1 ones between 30 and 50: the longest fell at most 50.
        Assert.Equal(50, pauses.LongestAtMostMs);
        Assert.Equal(190, pauses.TotalMs, precision: 6);
    }

    [Fact]
    public void Silos_add_up_and_a_pause_past_the_last_bound_has_no_bound()
    {
        var quiet = GcPauses.Snapshot.Parse(Metrics(1, 1, 1, 5, 0, 0, 0))!;
        var busy = GcPauses.Snapshot.Parse(Metrics(1, 1, 1, 5, 0, 1, 700))!;
        var before = GcPauses.Snapshot.Add([quiet, quiet]);
        var after = GcPauses.Snapshot.Add([quiet, busy]);

        var pauses = GcPauses.Between(before, after);

        Assert.Equal(1, pauses.Count);
        Assert.Null(pauses.LongestAtMostMs);
        Assert.Equal(700, pauses.TotalMs, precision: 6);
        Assert.Equal(0, GcPauses.Between(before, before).LongestAtMostMs);
    }

    [Fact]
    public void A_silo_without_the_histogram_has_no_snapshot()
    {
        Assert.Null(GcPauses.Snapshot.Parse("popupstore_orders_total{outcome=\"complete\"} 3\n"));
    }

    [Fact]
    public void The_table_shows_the_steady_crowds_pauses_and_every_row_has_every_column()
    {
        var report = new BenchReport(new BenchScenario(30_000, 10_000, 0.1, TimeSpan.FromSeconds(10)), "6.2.6", 2,
        [
            new BenchRow("seed-gears", 0, null, null, null, null, Note: "no RedisGears"),
            new BenchRow("cluster-3", 18_000, 1, 2, 3, 0.5, SteadyGcPauseLongestMs: 30, SteadyGcPausedPercent: 3.46),
            new BenchRow("cluster-1", 20_000, 1, 2, 3, 0.5),
        ]);

        var printed = new StringWriter();
        report.Print(printed);
        var table = printed.ToString().Split('\n').Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(5, table.Count);
        var header = table[0].Split('|').Select(c => c.Trim()).ToList();
        Assert.All(table, line => Assert.Equal(header.Count, line.Split('|').Length));
        var cluster3 = table.Single(l => l.StartsWith("| cluster-3 ", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToList();
        Assert.Equal("≤30", cluster3[header.IndexOf("steady GC pause longest ms")]);
        Assert.Equal("3.5", cluster3[header.IndexOf("steady GC paused %")]);
        var cluster1 = table.Single(l => l.StartsWith("| cluster-1 ", StringComparison.Ordinal)).Split('|').Select(c => c.Trim()).ToList();
        Assert.Equal("-", cluster1[header.IndexOf("steady GC pause longest ms")]);
    }
}
