using System.CommandLine;
using PopupStore.Core.Invariants;
using PopupStore.Core.Redis;
using PopupStore.Core.Sales;
using PopupStore.LoadClient.Cli;
using PopupStore.LoadClient.Live;
using PopupStore.LoadClient.Load.Profiles;
using PopupStore.LoadClient.Report;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Load;

/// <summary>How a run's buyers order.</summary>
public static class Vias
{
    public const string Stream = "stream";
    public const string Http = "http";
}

/// <summary><c>run</c>: send a crowd, show it live, wait for every answer, report and check the invariants.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var buyers = CommonOptions.Count("--buyers", "Buyers in the crowd (bots come on top)", 30_000);
        var duplicates = CommonOptions.Ratio("--duplicate-ratio", "Share of buyers who order two or three times at once (0..1; not used by retry)", 0.1);
        var profile = CommonOptions.Choice(
            "--profile",
            "How buyers behave: steady (fixed arrival rate), flash (everyone at the opening second), bots (a few customers hammering many orders, plus the crowd), retry (resubmit a new order when unanswered)",
            BuyerProfiles.Flash,
            BuyerProfiles.Names);
        var rate = CommonOptions.OptionalRate("--rate", $"steady: arrivals per second [default: {SteadyProfile.DefaultRate}]");
        var bots = CommonOptions.Count("--bots", "bots: customers who hammer", BotsProfile.DefaultBots);
        var ordersPerBot = CommonOptions.Count("--orders-per-bot", "bots: orders each bot writes at the opening", BotsProfile.DefaultOrdersPerBot);
        var retryAfter = CommonOptions.Duration("--retry-after", "retry: resubmit when an order has no answer after this long", RetryProfile.DefaultRetryAfter);
        var maxRetries = CommonOptions.Count("--max-retries", "retry: resubmissions per buyer at most", RetryProfile.DefaultMaxRetries, min: 0, max: 100);
        var think = CommonOptions.Range("--think-ms", "Think time between arriving and ordering, in ms: a value or a range min..max", "0", max: 60_000);
        var timeout = CommonOptions.Duration("--timeout", "How long to wait for the last answer after the last order", TimeSpan.FromMinutes(2));
        var reportJson = new Option<FileInfo?>("--report-json") { Description = "Also write the report as JSON to this file" };
        var reportHtml = new Option<FileInfo?>("--report-html")
        {
            Description = "Write the report with its charts as a self-contained HTML page to this file [default: .run/report-<run id>.html]",
        };
        var plain = CommonOptions.Plain();
        var seed = CommonOptions.OptionalInteger("--seed", "Random seed for a repeatable crowd");
        var via = CommonOptions.Choice(
            "--via",
            "How buyers order: stream (write queue:customers and queue:orders in Redis) or http (POST to the storefront, --url)",
            Vias.Stream,
            Vias.Stream,
            Vias.Http);
        var url = new Option<string?>("--url") { Description = "http: storefront address(es), comma separated, used in turn, e.g. http://127.0.0.1:8080" };
        var connections = CommonOptions.Count(
            "--connections",
            "http: keep-alive connections to each address, one request at a time on each; requests beyond them wait for a free one",
            StorefrontTarget.DefaultConnections,
            max: 10_000);
        var addressPerBuyer = new Option<bool>("--address-per-buyer")
        {
            Description = "http: send each buyer's requests with an X-Forwarded-For address of its own, as a proxy in front of the storefront would (the silos must trust it: Storefront__TrustForwardedFor=true)",
        };

        var command = new Command("run", "Send a crowd of buyers, watch it live, wait for every answer, print the report and check the invariants")
        {
            buyers, duplicates, profile, rate, bots, ordersPerBot, retryAfter, maxRetries, think, timeout, reportJson, reportHtml, plain, seed, via, url,
            addressPerBuyer, connections,
        };

        // Each profile's parameters belong to it: given to another profile they are a mistake, not silently ignored.
        var owners = new (Option Option, string Profile)[]
        {
            (rate, BuyerProfiles.Steady), (bots, BuyerProfiles.Bots), (ordersPerBot, BuyerProfiles.Bots),
            (retryAfter, BuyerProfiles.Retry), (maxRetries, BuyerProfiles.Retry),
        };
        command.Validators.Add(result =>
        {
            var http = ChosenVia(result.GetResult(via)) == Vias.Http;
            var urls = result.GetResult(url);
            if (http && StorefrontClient.ParseUrls(urls?.GetValueOrDefault<string?>()) is null)
            {
                result.AddError("--via http needs --url with one or more http:// addresses, comma separated");
                return;
            }

            if (!http && urls is { Implicit: false })
            {
                result.AddError("--url applies to --via http only");
                return;
            }

            if (!http && result.GetResult(addressPerBuyer) is { Implicit: false })
            {
                result.AddError("--address-per-buyer applies to --via http only");
                return;
            }

            if (!http && result.GetResult(connections) is { Implicit: false })
            {
                result.AddError("--connections applies to --via http only");
                return;
            }

            if (ChosenProfile(result.GetResult(profile)) is not { } chosen)
            {
                return;
            }

            foreach (var (option, owner) in owners)
            {
                if (result.GetResult(option) is { Implicit: false } && chosen != owner)
                {
                    result.AddError($"{option.Name} applies to --profile {owner} only (the profile is {chosen})");
                    return;
                }
            }
        });

        command.SetAction((parse, cancellation) => RedisSession.RunAsync(parse, redis =>
        {
            var range = parse.GetValue(think)!;
            IBuyerProfile chosen = parse.GetValue(profile) switch
            {
                BuyerProfiles.Steady => new SteadyProfile(parse.GetValue(rate) ?? SteadyProfile.DefaultRate),
                BuyerProfiles.Bots => new BotsProfile(parse.GetValue(bots), parse.GetValue(ordersPerBot)),
                BuyerProfiles.Retry => new RetryProfile(parse.GetValue(retryAfter), parse.GetValue(maxRetries)),
                _ => new FlashProfile(),
            };
            var settings = new LoadSettings(
                parse.GetValue(buyers),
                parse.GetValue(duplicates),
                chosen is SteadyProfile steady ? steady.ArrivalsPerSecond : null,
                range.Min,
                range.Max,
                parse.GetValue(timeout),
                parse.GetValue(seed),
                chosen);
            var files = new ReportFileOptions(parse.GetValue(reportJson), parse.GetValue(reportHtml));
            var target = parse.GetValue(via) == Vias.Http && StorefrontClient.ParseUrls(parse.GetValue(url)) is { } urls
                ? new StorefrontTarget(urls, parse.GetValue(addressPerBuyer), parse.GetValue(connections))
                : null;
            return RunAsync(redis, settings, files, parse.InvocationConfiguration.Output, parse.GetValue(plain), cancellation, target);
        }));
        return command;
    }

    /// <summary>The way in given, stream when none was; null when the value is wrong (that error is reported already).</summary>
    private static string? ChosenVia(System.CommandLine.Parsing.OptionResult? result)
    {
        if (result is null || result.Implicit)
        {
            return Vias.Stream;
        }

        try
        {
            return result.GetValueOrDefault<string>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The profile given, flash when none was; null when the value is wrong (that error is reported already).</summary>
    private static string? ChosenProfile(System.CommandLine.Parsing.OptionResult? result)
    {
        if (result is null || result.Implicit)
        {
            return BuyerProfiles.Flash;
        }

        try
        {
            return result.GetValueOrDefault<string>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static async Task<int> RunAsync(
        IConnectionMultiplexer redis, LoadSettings settings, ReportFileOptions files, TextWriter output, bool plain, CancellationToken cancellation,
        StorefrontTarget? storefront = null)
    {
        var report = await ExecuteAsync(redis, settings, output, cancellation, plain, storefront);
        if (files.Json is { } json)
        {
            output.WriteLine($"Report (JSON) written to {(await ReportFiles.WriteJsonAsync(report, json)).FullName}");
        }

        var target = files.Html ?? ReportFiles.DefaultHtml(report.RunId);
        try
        {
            var html = await ReportFiles.WriteHtmlAsync(report, target);
            output.WriteLine($"Report with charts written to {html.FullName}");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // The sale's outcome is already printed and checked; a folder we may not write to is not an
            // invariant failure, so it changes no exit code. It still says where and why, in one line.
            output.WriteLine(
                $"Warning: report not written to {target.FullName}: {ex.Message} " +
                $"(pass --report-html FILE or set {ReportFiles.DirectoryVariable} to a folder you can write to)");
        }

        return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// Sends the crowd, shows it live (plain lines unless <paramref name="output"/> is the console on a terminal),
    /// waits for the answers and builds the report (printed to <paramref name="output"/>).
    /// </summary>
    /// <param name="storefront">Storefront addresses: buyers post there (<c>--via http</c>); null: they write the streams.</param>
    /// <param name="answersIn">
    /// Called once, as soon as the outcome streams have grown by as many entries as orders were written (or the wait
    /// is given up), before the answers are read and the invariants checked: the end of the sale itself, for a
    /// caller that measures it apart from the checking.
    /// </param>
    public static async Task<RunReport> ExecuteAsync(
        IConnectionMultiplexer redis, LoadSettings settings, TextWriter output, CancellationToken cancellation, bool plain = false,
        StorefrontTarget? storefront = null, Func<Task>? answersIn = null)
    {
        var store = new SaleStore(redis);
        var status = await store.GetStatusAsync();
        if (!status.Exists)
        {
            output.WriteLine("Warning: no sale has started; every order will be answered 'closed'. Start one with: sale start");
        }
        else if (status.State == "closed")
        {
            output.WriteLine("Warning: the sale is closed; every order will be answered 'closed'.");
        }

        var runId = Guid.NewGuid().ToString("N")[..8];
        var profile = settings.EffectiveProfile;
        var collector = await OutcomeCollector.StartAsync(redis, runId);
        await using var web = storefront is null ? null : new StorefrontClient(storefront);
        var crowd = new BuyerCrowd(redis, settings, runId, web);
        output.WriteLine($"Run {runId}: {profile.Describe(settings)}{(web is null ? string.Empty : $", through the storefront at {string.Join(", ", storefront!.Urls)}{(storefront.AddressPerBuyer ? ", an address per buyer" : string.Empty)}")}");

        var phase = "sending";
        var answered = 0;
        var sampler = new LiveSampler(store, () => new RunProgress(
            runId, profile.Name, Volatile.Read(ref phase), crowd.Customers, crowd.Arrived, crowd.OrdersWritten, Volatile.Read(ref answered)));
        using var stopView = new CancellationTokenSource();
        var writing = crowd.RunAsync(cancellation); // makes its plan before its first await: the view knows the customers
        var view = LiveViews.Choose(output, plain).RunAsync(sampler, stopView.Token);

        string[] written;
        try
        {
            // While orders are being answered the outcome streams are only counted (once a second while sending,
            // ten times a second after); their entries are read once the count covers every order written.
            while (!writing.IsCompleted)
            {
                await Task.WhenAny(writing, Task.Delay(1000, CancellationToken.None));
                Volatile.Write(ref answered, Progress(await collector.CountAsync(), crowd.OrdersWritten));
            }

            await writing;
            written = crowd.OrderIds.ToArray();
            Volatile.Write(ref phase, "waiting");

            using var deadline = new CancellationTokenSource(settings.AnswerTimeout);
            var notified = answersIn is null;
            while (true)
            {
                var counted = await collector.CountAsync();
                var givenUp = deadline.IsCancellationRequested || cancellation.IsCancellationRequested;
                if (!notified && (counted >= written.Length || givenUp))
                {
                    notified = true;
                    await answersIn!();
                }

                var sofar = counted >= written.Length ? await collector.PollAsync() : Progress(counted, written.Length);
                Volatile.Write(ref answered, sofar);
                if (sofar >= written.Length || givenUp)
                {
                    break;
                }

                await Task.Delay(100, CancellationToken.None);
            }

            // Given up on (deadline, Ctrl+C): whatever did arrive is still read, so the report names only the missing.
            Volatile.Write(ref answered, await collector.PollAsync());
            Volatile.Write(ref phase, "done");
        }
        finally
        {
            await stopView.CancelAsync();
            await view;
        }

        var invariants = await CheckSettledAsync(redis, written);
        var product = await redis.GetDatabase().StringGetAsync(RedisKeys.Product);
        var report = RunReport.Build(
            runId, settings.Buyers, written, collector.Answers, collector.DoubleAnswers,
            product.IsNull ? 0 : (long)product, invariants) with
        { Profile = profile.Name, Resubmitted = crowd.Resubmitted };
        if (web?.Summary() is { } seen)
        {
            // What a buyer sees, request to response, instead of arrival to answer on Redis' clock.
            report = report with { Via = Vias.Http, Storefront = seen, Latency = seen.Latency };
        }

        ReportPrinter.Print(report, output);

        return report;
    }

    /// <summary>The count includes other producers' answers: progress never shows more answered than written.</summary>
    private static int Progress(long counted, int written) => (int)Math.Min(counted, written);

    // Pollers acknowledge a batch just after storing its outcomes: give that a moment before checking the queue.
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
