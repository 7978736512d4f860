using System.Globalization;
using PopupStore.LoadClient.Sales;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PopupStore.LoadClient.Live;

/// <summary>The Grafana dashboard's figures as a terminal frame: a title, a bar of units sold and a table.</summary>
public static class LiveDashboard
{
    private const int BarWidth = 40;

    public static IRenderable Render(LiveSample sample)
    {
        var s = sample.Sale;
        var title = s.Exists
            ? $"Pop-up Store · sale [bold]{Markup.Escape(s.State)}[/] · {SaleCommands.Format(s.TimeLeft)} left"
            : "Pop-up Store · [yellow]no sale has started[/]";
        if (sample.Run is { } run)
        {
            title += $" · run {Markup.Escape(run.RunId)} ({Markup.Escape(run.Profile)}, {Markup.Escape(run.Phase)})";
        }

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Figure");
        table.AddColumn(new TableColumn("Now").RightAligned());
        table.AddColumn(new TableColumn("Per second").RightAligned());
        table.AddColumn("Where it comes from");
        table.AddRow("Product available", N(s.Available), string.Empty, "[grey]product[/]");
        table.AddRow("Customers ordering", N(s.CustomersWaiting), string.Empty, "[grey]XLEN queue:customers[/]");
        table.AddRow("Orders in queue", N(s.OrdersWaiting), string.Empty, $"[grey]XLEN queue:orders, {N(s.Pending)} pending[/]");
        table.AddRow("[green]Completed[/]", N(s.Sold), Rate(sample.Rates.CompletedPerSecond), "[grey]sale:counts[/]");
        table.AddRow("[red]Rejected[/]", N(s.RejectedTotal), Rate(sample.Rates.RejectedPerSecond), "[grey]sale:counts[/]");
        foreach (var (reason, count) in s.Rejected)
        {
            table.AddRow($"  [grey]{Markup.Escape(reason)}[/]", N(count), string.Empty, string.Empty);
        }

        table.AddRow("Answered", N(sample.Answered), Rate(sample.Rates.AnsweredPerSecond), string.Empty);
        var lines = new List<IRenderable> { new Rule(title).LeftJustified(), new Markup(Bar(s.Sold, s.Units)) };
        if (sample.Run is { } progress)
        {
            lines.Add(new Markup(
                $"This run: arrived {N(progress.Arrived)}/{N(progress.Customers)} · orders written {N(progress.OrdersWritten)} · answered {N(progress.Answered)}"));
        }

        lines.Add(table);
        return new Rows(
            [.. lines,
            new Markup($"[grey]refreshed at {sample.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s · Ctrl-C stops[/]"),
        ]);
    }

    /// <summary>A bar of units sold out of the units on sale.</summary>
    public static string Bar(long sold, long units)
    {
        var share = units > 0 ? Math.Clamp((double)sold / units, 0, 1) : 0;
        var filled = (int)Math.Round(share * BarWidth);
        return $"Units sold [green]{new string('█', filled)}[/][grey]{new string('░', BarWidth - filled)}[/] " +
            $"{(share * 100).ToString("0.0", CultureInfo.InvariantCulture)}%  {N(sold)} / {N(units)}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("N0", CultureInfo.InvariantCulture) + "/s";
}
