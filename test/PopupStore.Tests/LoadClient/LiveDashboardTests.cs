using PopupStore.Core.Sales;
using PopupStore.LoadClient.Live;
using Spectre.Console;

namespace PopupStore.Tests.LoadClient;

/// <summary>The terminal frame, rendered to a string by Spectre.Console without a terminal.</summary>
public sealed class LiveDashboardTests
{
    [Fact]
    public void The_frame_shows_the_dashboards_figures_and_a_bar_of_units_sold()
    {
        var status = new SaleStatus(
            true, 10_000, 7_500, 2_500,
            new Dictionary<string, long> { ["duplicate"] = 11, ["sold-out"] = 0, ["closed"] = 0, ["invalid"] = 0 },
            0, 600_000, 60_000, 1_234, 4_321, 99);
        var run = new RunProgress("ab12cd34", "bots", "sending", 30_010, 20_000, 21_000, 2_511);
        var sample = new LiveSample(TimeSpan.FromSeconds(3), status, new LiveRates(1_000, 20), run);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 140;

        console.Write(LiveDashboard.Render(sample));
        var frame = text.ToString();

        Assert.Contains("sale open · 9:00 left · run ab12cd34 (bots, sending)", frame, StringComparison.Ordinal);
        Assert.Contains("25.0%  2,500 / 10,000", frame, StringComparison.Ordinal);
        Assert.Contains(new string('█', 10) + new string('░', 30), frame, StringComparison.Ordinal);
        foreach (var figure in new[] { "Product available", "7,500", "Customers ordering", "4,321", "Orders in queue", "1,234", "99 pending", "Completed", "1,000/s", "Rejected", "20/s", "duplicate", "Answered", "1,020/s", "This run: arrived 20,000/30,010 · orders written 21,000 · answered 2,511" })
        {
            Assert.Contains(figure, frame, StringComparison.Ordinal);
        }
    }
}
