using PopupStore.Core.Sales;
using PopupStore.LoadClient.Live;

namespace PopupStore.Tests.LoadClient;

/// <summary>The non-terminal output mode: one plain line per refresh, in a fixed format.</summary>
public sealed class PlainLineTests
{
    private static readonly SaleStatus Open = new(
        Exists: true,
        Units: 10_000,
        Available: 8_123,
        Sold: 1_877,
        Rejected: new Dictionary<string, long> { ["duplicate"] = 40, ["sold-out"] = 0, ["closed"] = 0, ["invalid"] = 2 },
        OpensAt: 1_000_000,
        ClosesAt: 1_000_000 + 600_000,
        Now: 1_000_000 + 12_000,
        OrdersWaiting: 1_200,
        CustomersWaiting: 2_345,
        Pending: 200);

    [Fact]
    public void A_sale_line_has_every_figure_in_a_fixed_order()
    {
        var sample = new LiveSample(TimeSpan.FromSeconds(12), Open, new LiveRates(938.46, 12), Run: null);

        Assert.Equal(
            "[  12.0s] open 9:48 left | available 8123/10000 | sold 1877 (938.5/s) | rejected 42 (12.0/s): duplicate 40, sold-out 0, closed 0, invalid 2 | customers ordering 2345 | orders in queue 1200 (200 pending)",
            PlainLine.Format(sample));
    }

    [Fact]
    public void A_run_line_adds_the_runs_progress()
    {
        var run = new RunProgress("ab12cd34", "flash", "sending", 30_000, 12_000, 13_200, 1_917);
        var sample = new LiveSample(TimeSpan.FromMilliseconds(2_049), Open, LiveRates.None, run);

        Assert.EndsWith(
            "| orders in queue 1200 (200 pending) | run sending: arrived 12000/30000, orders 13200, answered 1917",
            PlainLine.Format(sample));
        Assert.StartsWith("[   2.0s] open 9:48 left | available 8123/10000 | sold 1877 (0.0/s) |", PlainLine.Format(sample));
    }

    [Fact]
    public void A_sold_out_and_a_missing_sale_read_as_such()
    {
        var soldOut = Open with { Available = 0, Sold = 10_000 };
        var none = new SaleStatus(false, 0, 0, 0, new Dictionary<string, long>(), 0, 0, 5, 0, 0, 0);

        Assert.StartsWith("[   1.0s] sold-out 9:48 left | available 0/10000 | sold 10000", PlainLine.Format(new(TimeSpan.FromSeconds(1), soldOut, LiveRates.None, null)));
        Assert.StartsWith("[   1.0s] none 0:00 left | available 0/0", PlainLine.Format(new(TimeSpan.FromSeconds(1), none, LiveRates.None, null)));
    }

    [Fact]
    public void Output_that_is_not_the_console_gets_plain_lines()
    {
        Assert.IsType<PlainLiveView>(LiveViews.Choose(new StringWriter(), plain: false));
        Assert.IsType<PlainLiveView>(LiveViews.Choose(Console.Out, plain: true));
        Assert.False(LiveViews.IsTerminal(new StringWriter()));
    }

    [Fact]
    public void Rates_come_from_the_counters_over_the_last_two_seconds()
    {
        var meter = new RateMeter();

        Assert.Equal(LiveRates.None, meter.Add(TimeSpan.Zero, 0, 0));
        var rates = meter.Add(TimeSpan.FromSeconds(1), 500, 100);
        Assert.Equal(500, rates.CompletedPerSecond, 6);
        Assert.Equal(100, rates.RejectedPerSecond, 6);
        Assert.Equal(600, rates.AnsweredPerSecond, 6);

        meter.Add(TimeSpan.FromSeconds(2), 1_000, 100);
        rates = meter.Add(TimeSpan.FromSeconds(4), 1_000, 300);
        Assert.Equal(0, rates.CompletedPerSecond, 6);
        Assert.Equal(100, rates.RejectedPerSecond, 6);
    }
}
