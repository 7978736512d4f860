using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using PopupStore.Core.Invariants;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.LoadClient.Cli;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary><c>run</c>: send a crowd, wait for every answer, report and check the invariants.</summary>
public static class RunCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var buyers = new Option<int>("--buyers") { Description = "Buyers in the crowd", DefaultValueFactory = _ => 30_000 };
        buyers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() <= 0)
            {
                r.AddError("--buyers must be a positive number.");
            }
        });
        var duplicates = new Option<double>("--duplicate-ratio")
        {
            Description = "Share of buyers who order two or three times at once (0..1)",
            DefaultValueFactory = _ => 0.1,
        };
        duplicates.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<double>();
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                r.AddError("--duplicate-ratio must be between 0 and 1.");
            }
        });
        var rate = new Option<double?>("--rate") { Description = "Arrivals per second (default: unlimited, as fast as possible)" };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } value && (value <= 0 || double.IsNaN(value)))
            {
                r.AddError("--rate must be a positive number of arrivals per second.");
            }
        });
        var think = new Option<string>("--think-ms")
        {
            Description = "Think time between arriving and ordering, in ms: a value or a range min..max",
            DefaultValueFactory = _ => "0",
        };
        think.Validators.Add(r =>
        {
            if (!ValueParsers.TryParseRange(r.GetValueOrDefault<string>() ?? string.Empty, out var range) || range.Max > 60_000)
            {
                r.AddError("--think-ms must be a number or a range like 0..1000 (at most 60000).");
            }
        });
        var timeout = CommonOptions.Duration("--timeout", "How long to wait for the last answer after the last order", TimeSpan.FromMinutes(2));
        var reportJson = new Option<FileInfo?>("--report-json") { Description = "Also write the report as JSON to this file" };
        var seed = new Option<int?>("--seed") { Description = "Random seed for a repeatable crowd" };

        var command = new Command("run", "Send a crowd of buyers, wait for every answer, print the report and check the invariants")
        {
            buyers, duplicates, rate, think, timeout, reportJson, seed,
        };
        command.SetAction((parse, cancellation) => RedisSession.RunAsync(parse.GetValue(CommonOptions.Redis)!, redis =>
        {
            ValueParsers.TryParseRange(parse.GetValue(think)!, out var thinkRange);
            var settings = new LoadSettings(
                parse.GetValue(buyers),
                parse.GetValue(duplicates),
                parse.GetValue(rate),
                thinkRange.Min,
                thinkRange.Max,
                parse.GetValue(timeout),
                parse.GetValue(seed));
            return RunAsync(redis, settings, parse.GetValue(reportJson), Console.Out, cancellation);
        }));
        return command;
    }

    public static async Task<int> RunAsync(
        IConnectionMultiplexer redis, LoadSettings settings, FileInfo? reportJson, TextWriter output, CancellationToken cancellation)
    {
        var report = await ExecuteAsync(redis, settings, output, cancellation);
        if (reportJson is not null)
        {
            await File.WriteAllTextAsync(reportJson.FullName, JsonSerializer.Serialize(report, Json), CancellationToken.None);
            output.WriteLine($"Report written to {reportJson.FullName}");
        }

        return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Sends the crowd, waits for the answers and builds the report (printed to <paramref name="output"/>).</summary>
    public static async Task<RunReport> ExecuteAsync(
        IConnectionMultiplexer redis, LoadSettings settings, TextWriter output, CancellationToken cancellation)
    {
        var status = await new SaleStore(redis).GetStatusAsync();
        if (!status.Exists)
        {
            output.WriteLine("Warning: no sale has started; every order will be answered 'closed'. Start one with: sale start");
        }
        else if (status.State == "closed")
        {
            output.WriteLine("Warning: the sale is closed; every order will be answered 'closed'.");
        }

        var runId = Guid.NewGuid().ToString("N")[..8];
        var collector = await OutcomeCollector.StartAsync(redis, runId);
        var crowd = new BuyerCrowd(redis, settings, runId);
        output.WriteLine($"Run {runId}: {settings.Buyers} buyers, {settings.DuplicateRatio:P0} ordering more than once, " +
            $"rate {(settings.ArrivalsPerSecond is { } r ? $"{r}/s" : "unlimited")}, think {settings.ThinkMinMs}..{settings.ThinkMaxMs} ms");

        var clock = Stopwatch.StartNew();
        var writing = crowd.RunAsync(cancellation);
        var nextProgress = TimeSpan.Zero;
        while (!writing.IsCompleted)
        {
            await Task.WhenAny(writing, Task.Delay(250, CancellationToken.None));
            if (clock.Elapsed >= nextProgress)
            {
                var answered = await collector.PollAsync();
                output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] arrived {crowd.Arrived}/{settings.Buyers}, orders written {crowd.OrdersWritten}, answered {answered}");
                nextProgress = clock.Elapsed + TimeSpan.FromSeconds(2);
            }
        }

        await writing;
        var written = crowd.OrderIds.ToArray();
        output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] all {written.Length} orders written; waiting for answers");

        var deadline = clock.Elapsed + settings.AnswerTimeout;
        while (true)
        {
            var answered = await collector.PollAsync();
            if (answered >= written.Length || clock.Elapsed >= deadline || cancellation.IsCancellationRequested)
            {
                break;
            }

            if (clock.Elapsed >= nextProgress)
            {
                output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] answered {answered}/{written.Length}");
                nextProgress = clock.Elapsed + TimeSpan.FromSeconds(2);
            }

            await Task.Delay(100, CancellationToken.None);
        }

        // Pollers acknowledge a batch just after storing its outcomes: give that a moment before checking the queue.
        var invariants = await CheckSettledAsync(redis, written);
        var product = await redis.GetDatabase().StringGetAsync(RedisKeys.Product);
        var report = RunReport.Build(
            runId, settings.Buyers, written, collector.Answers, collector.DoubleAnswers,
            product.IsNull ? 0 : (long)product, invariants);
        ReportPrinter.Print(report, output);
        return report;
    }

    private static async Task<InvariantReport> CheckSettledAsync(IConnectionMultiplexer redis, IReadOnlyCollection<string> written)
    {
        var checker = new InvariantChecker(redis);
        var report = await checker.CheckAsync(written);
        for (var attempt = 0; attempt < 20 && !report.AllPassed; attempt++)
        {
            await Task.Delay(250);
            report = await checker.CheckAsync(written);
        }

        return report;
    }
}
