using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PopupStore.Core.Sales;
using PopupStore.LoadClient.Cli;
using PopupStore.LoadClient.Live;

namespace PopupStore.LoadClient.Sales;

/// <summary><c>sale start|status|reset|close</c>.</summary>
public static class SaleCommands
{
    public static Command Create()
    {
        var sale = new Command("sale", "Start, inspect, close or reset the sale kept in Redis");
        sale.Subcommands.Add(Start());
        sale.Subcommands.Add(Status());
        sale.Subcommands.Add(Close());
        sale.Subcommands.Add(Reset());
        return sale;
    }

    private static Command Start()
    {
        var units = CommonOptions.LongCount("--units", "Units on sale", 10_000);
        var duration = CommonOptions.Duration("--duration", "How long the sale stays open (e.g. 10m, 90s)", TimeSpan.FromMinutes(10));
        var force = new Option<bool>("--force") { Description = "Replace an existing sale and delete everything it produced" };

        var command = new Command("start", "Start a sale. Idempotent: an existing sale is kept unless --force is given") { units, duration, force };
        command.SetAction((parse, _) => RedisSession.RunAsync(parse, async redis =>
        {
            var output = parse.InvocationConfiguration.Output;
            var wantedUnits = parse.GetValue(units);
            var wantedDuration = parse.GetValue(duration);
            var result = await new SaleStore(redis).StartAsync(wantedUnits, wantedDuration, parse.GetValue(force));
            var window = $"{result.Units} units, {Format(result.Duration)}, opened {Time(result.OpensAt)}, closes {Time(result.ClosesAt)}";
            if (result.Started)
            {
                await output.WriteLineAsync($"Sale started: {window}.");
                return ExitCodes.Ok;
            }

            if (result.IsOver)
            {
                var why = result.ExplicitlyClosed && result.ClosedAt is { } closedAt
                    ? $"it was closed at {Time(closedAt)}"
                    : result.ExplicitlyClosed ? "it was closed" : $"its window ended at {Time(result.ClosesAt)}";
                await output.WriteLineAsync($"A sale already exists and is over: {why}; every order now is answered 'closed'.");
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    "Nothing was started. Use --force to start a new sale (this deletes the old sale's outcomes).");
                return ExitCodes.Failed;
            }

            var same = result.Units == wantedUnits && result.Duration == wantedDuration;
            await output.WriteLineAsync($"A sale already exists and was kept: {window}.");
            if (same)
            {
                return ExitCodes.Ok;
            }

            await parse.InvocationConfiguration.Error.WriteLineAsync("It differs from the requested one; use --force to replace it (this deletes its outcomes).");
            return ExitCodes.Failed;
        }));
        return command;
    }

    private static Command Status()
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON (with --watch: one JSON document per refresh)" };
        var watch = new Option<bool>("--watch") { Description = "Keep showing the sale until Ctrl-C: the live view on a terminal, a plain line every 2 s otherwise" };
        var plain = CommonOptions.Plain();
        var command = new Command("status", "Show units, sold, rejections by reason, state, time left and queue lengths; works while a sale runs")
        {
            json, watch, plain,
        };
        command.SetAction((parse, cancellation) => RedisSession.RunAsync(parse, async redis =>
        {
            var output = parse.InvocationConfiguration.Output;
            var store = new SaleStore(redis);
            if (parse.GetValue(watch) && !parse.GetValue(json))
            {
                await LiveViews.Choose(output, parse.GetValue(plain)).RunAsync(new LiveSampler(store), cancellation);
                return ExitCodes.Ok;
            }

            do
            {
                var status = await store.GetStatusAsync();
                if (parse.GetValue(json))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(SaleStatusView.From(status), SaleStatusView.JsonOptions));
                }
                else
                {
                    SaleStatusView.Print(status, output);
                }

                if (!parse.GetValue(watch))
                {
                    break;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            while (!cancellation.IsCancellationRequested);

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Close()
    {
        var command = new Command("close", "End the sale now: later orders are answered 'closed'");
        command.SetAction((parse, _) => RedisSession.RunAsync(parse, async redis =>
        {
            if (await new SaleStore(redis).CloseAsync() is not { } closedAt)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("There is no sale to close.");
                return ExitCodes.Failed;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"Sale closed at {Time(closedAt)}: orders that arrived before then are still decided on stock, later ones are answered 'closed'.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Reset()
    {
        var yes = new Option<bool>("--yes") { Description = "Confirm: delete the sale, its stock and every outcome" };
        var command = new Command("reset", "Delete the sale and everything it produced (needs --yes)") { yes };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(yes))
            {
                result.AddError("sale reset deletes every outcome of the sale; repeat with --yes to do it");
            }
        });
        command.SetAction((parse, _) => RedisSession.RunAsync(parse, async redis =>
        {
            await new SaleStore(redis).ResetAsync();
            await parse.InvocationConfiguration.Output.WriteLineAsync("Sale reset: no sale in Redis now.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static string Time(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    internal static string Format(TimeSpan span) =>
        span.TotalHours >= 1 ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
