using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PopupStore.Bench.Floor;
using PopupStore.Core.Sales;
using PopupStore.LoadClient.Cli;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// <c>bench</c>: the limit (completion script alone), the direct consumer (no Orleans), Orleans' own floor, the
/// seed's Gears design and the cluster (1 and 3 silo processes) on one Redis in one run, with ratios. It replaces
/// the sale in that Redis.
/// </summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static RootCommand CreateRoot()
    {
        var buyers = CommonOptions.Count("--buyers", "Buyers in the flash crowd", 100_000);
        var units = CommonOptions.LongCount("--units", "Units on sale", 10_000);
        var duplicates = CommonOptions.Ratio("--duplicate-ratio", "Share of buyers ordering two or three times", 0.1);
        var steady = CommonOptions.Duration("--steady", "Length of the steady stream at half the saturated rate", TimeSpan.FromSeconds(20));
        var silos = new Option<string>("--silos") { Description = "Cluster sizes to measure, comma separated", DefaultValueFactory = _ => "1,3" };
        var only = new Option<string>("--only")
        {
            Description = "Measures to run: limit,direct,floor,seed-gears,cluster,http,mixed,replicas,durable (floor: Orleans alone, an empty customer grain per call, no Redis; seed-gears needs RedisGears in this Redis; http: the largest cluster with buyers through the storefront; mixed: the largest cluster with half the flash crowd through the storefront and half writing the streams at once, flash and arrival order only; replicas: the largest cluster with --replicas replicas of this Redis and durable answers off; durable: the same with durable answers on; both need --replica-server)",
            DefaultValueFactory = _ => "limit,direct,floor,seed-gears,cluster,http",
        };
        var siloDll = new Option<FileInfo?>("--silo-dll") { Description = "Path to PopupStore.Silo.dll (default: found from the repository's build output)" };
        var pollers = CommonOptions.Count("--pollers", "Pollers per silo, and consumers of the direct baseline", 2, max: 64);
        var batch = CommonOptions.Count("--batch-size", "Entries per XREADGROUP (and orders per call in the batched limit)", 200, max: 2000);
        var repeat = CommonOptions.Count("--repeat", "Rounds of every measure, one after another; the table shows medians and each ratio's range", 1, max: 20);
        var reportJson = new Option<FileInfo?>("--report-json") { Description = "Also write the table as JSON to this file" };
        var force = new Option<bool>("--force") { Description = "Run even though a sale exists in this Redis (it is replaced)" };
        var replicaCount = CommonOptions.Count("--replicas", "Replicas of this Redis the replicas and durable measures attach", 2, max: 8);
        var replicaServer = new Option<string?>("--replica-server")
        {
            Description = "The command that started this Redis (server and options, space separated; bench.sh passes it): the replicas and durable measures start their replicas with it",
        };

        var command = new RootCommand("Pop-up Store benchmark: completion script limit, direct consumer, Orleans' own floor, the seed's Gears design and 1/3-silo clusters on one Redis (replaces its sale)")
        {
            CommonOptions.Redis, buyers, units, duplicates, steady, silos, only, siloDll, pollers, batch, repeat, reportJson, force, replicaServer, replicaCount,
        };
        command.Subcommands.Add(FloorCommand.Create());
        // Admin mode: the bench reads INFO CPU (Redis us/order) and manages a RedisGears registration.
        command.SetAction((parse, _) => RedisSession.RunAsync(parse.GetValue(CommonOptions.Redis)! + ",allowAdmin=true", parse.InvocationConfiguration.Error, async redis =>
        {
            var sizes = ParseSizes(parse.GetValue(silos)!);
            var measures = parse.GetValue(only)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            if (sizes is null || measures.Except(["limit", "direct", "floor", "seed-gears", "cluster", "http", "mixed", "replicas", "durable"]).Any())
            {
                await Console.Error.WriteLineAsync("popupstore-bench: --silos takes sizes like 1,3 and --only a list of limit,direct,floor,seed-gears,cluster,http,mixed,replicas,durable (see --help)");
                return ExitCodes.Usage;
            }

            if ((measures.Contains("replicas") || measures.Contains("durable")) && string.IsNullOrWhiteSpace(parse.GetValue(replicaServer)))
            {
                await Console.Error.WriteLineAsync("popupstore-bench: the replicas and durable measures start replicas of this Redis and need the command that started it: --replica-server (bench.sh passes it when it starts Redis itself)");
                return ExitCodes.Usage;
            }

            if ((await new SaleStore(redis).GetStatusAsync()).Exists && !parse.GetValue(force))
            {
                await Console.Error.WriteLineAsync("popupstore-bench: this Redis holds a sale; the benchmark replaces it. Use a dedicated Redis, or --force.");
                return ExitCodes.Failed;
            }

            var dll = parse.GetValue(siloDll)?.FullName ?? BuildOutputs.FindSiloDll();
            if ((measures.Contains("cluster") || measures.Contains("http") || measures.Contains("mixed") || measures.Contains("replicas") || measures.Contains("durable")) && (dll is null || !File.Exists(dll)))
            {
                await Console.Error.WriteLineAsync("popupstore-bench: PopupStore.Silo.dll not found; build the solution or pass --silo-dll");
                return ExitCodes.Usage;
            }

            var scenario = new BenchScenario(parse.GetValue(buyers), parse.GetValue(units), parse.GetValue(duplicates), parse.GetValue(steady));
            var rounds = new List<IReadOnlyList<BenchRow>>();
            var roundCount = parse.GetValue(repeat);
            for (var round = 1; round <= roundCount; round++)
            {
                if (roundCount > 1)
                {
                    Console.WriteLine($"round {round} of {roundCount}");
                }

                rounds.Add(await RunAsync(
                    redis, parse.GetValue(CommonOptions.Redis)!, scenario, measures, sizes, dll, parse.GetValue(pollers), parse.GetValue(batch), parse.GetValue(replicaServer), parse.GetValue(replicaCount)));
            }

            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var report = BenchRounds.Fold(scenario, server.Version.ToString(), Environment.ProcessorCount, rounds);
            report.Print(Console.Out);
            if (parse.GetValue(reportJson) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report with { }, Json));
                Console.WriteLine($"Benchmark written to {file.FullName}");
            }

            await new SaleStore(redis).ResetAsync();
            return report.Rows.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<IReadOnlyList<BenchRow>> RunAsync(
        IConnectionMultiplexer redis, string connectionString, BenchScenario scenario, ISet<string> measures,
        IReadOnlyList<int> sizes, string? dll, int pollers, int batchSize, string? replicaServer, int replicaCount)
    {
        var runner = new BenchRunner(redis, connectionString, scenario, Console.Out);
        var rows = new List<BenchRow>();
        if (measures.Contains("limit"))
        {
            rows.Add(await runner.LimitAsync(1));
            rows.Add(await runner.LimitAsync(batchSize));
        }

        if (measures.Contains("direct"))
        {
            rows.Add(await runner.DirectAsync(pollers, batchSize));
        }

        if (measures.Contains("floor"))
        {
            rows.AddRange(await runner.OrleansFloorAsync(BuildOutputs.FindBenchDll(), batchSize));
        }

        if (measures.Contains("seed-gears"))
        {
            rows.Add(await runner.SeedGearsAsync());
        }

        var settings = new Dictionary<string, string>
        {
            ["Processing__PollersPerSilo"] = pollers.ToString(CultureInfo.InvariantCulture),
            ["Processing__BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
        };
        if (measures.Contains("cluster"))
        {
            foreach (var size in sizes)
            {
                rows.Add(await runner.ClusterAsync(dll!, size, settings));
            }
        }

        if (measures.Contains("http"))
        {
            rows.Add(await runner.ClusterAsync(dll!, sizes.Max(), settings, viaHttp: true));
        }

        if (measures.Contains("mixed"))
        {
            rows.Add(await runner.MixedAsync(dll!, sizes.Max(), settings));
        }

        if (measures.Contains("replicas") || measures.Contains("durable"))
        {
            // What a retailer runs with failover: replicas (two by default), each outcome confirmed on one before it is told. The
            // replicas row (same replicas, answers not held) splits that cost into what replicating costs and what
            // the durable-answer gate adds on top.
            var port = redis.GetEndPoints()[0] switch
            {
                System.Net.IPEndPoint ip => ip.Port,
                System.Net.DnsEndPoint dns => dns.Port,
                var other => throw new InvalidOperationException($"cannot tell the port of {other}"),
            };
            await using var replicas = await ReplicaProcesses.StartAsync(redis, replicaServer!, port, replicaCount, TimeSpan.FromSeconds(60));
            if (measures.Contains("replicas"))
            {
                // Off, not the default Auto: Auto would see the replicas and hold answers.
                var replicated = new Dictionary<string, string>(settings) { ["Processing__DurableAnswers"] = "Off" };
                rows.Add(await runner.ClusterAsync(dll!, sizes.Max(), replicated, suffix: "replicas", replicas: replicas));
            }

            if (measures.Contains("durable"))
            {
                var durable = new Dictionary<string, string>(settings) { ["Processing__DurableAnswers"] = "On" };
                rows.Add(await runner.ClusterAsync(dll!, sizes.Max(), durable, suffix: "durable", replicas: replicas));
            }
        }

        return rows;
    }

    private static List<int>? ParseSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > 16)
            {
                return null;
            }

            sizes.Add(size);
        }

        return sizes.Count > 0 ? sizes : null;
    }
}
