using System.Globalization;
using PopupStore.LoadClient.Sales;

namespace PopupStore.LoadClient.Live;

/// <summary>
/// The live view as one line, for logs, CI and pipes. The format is fixed (fields in this order, invariant culture)
/// so scripts can read it:
/// <c>[  12.0s] open 9:48 left | available 8123/10000 | sold 1877 (938.5/s) | rejected 40 (12.0/s): duplicate 40, sold-out 0, closed 0, invalid 0 | customers ordering 2345 | orders in queue 1200 (200 pending) | run sending: arrived 12000/30000, orders 13200, answered 1917</c>
/// </summary>
public static class PlainLine
{
    public static string Format(LiveSample sample)
    {
        var s = sample.Sale;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"[{sample.Elapsed.TotalSeconds,6:0.0}s] {s.State} {SaleCommands.Format(s.TimeLeft)} left" +
            $" | available {s.Available}/{s.Units}" +
            $" | sold {s.Sold} ({sample.Rates.CompletedPerSecond:0.0}/s)" +
            $" | rejected {s.RejectedTotal} ({sample.Rates.RejectedPerSecond:0.0}/s): {string.Join(", ", s.Rejected.Select(r => $"{r.Key} {r.Value}"))}" +
            $" | customers ordering {s.CustomersWaiting}" +
            $" | orders in queue {s.OrdersWaiting} ({s.Pending} pending)");
        if (sample.Run is { } run)
        {
            line += string.Create(
                CultureInfo.InvariantCulture,
                $" | run {run.Phase}: arrived {run.Arrived}/{run.Customers}, orders {run.OrdersWritten}, answered {run.Answered}");
        }

        return line;
    }
}
