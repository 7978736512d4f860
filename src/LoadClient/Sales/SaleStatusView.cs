using System.Text.Json;
using PopupStore.Core.Sales;

namespace PopupStore.LoadClient.Sales;

/// <summary>The status as printed and as JSON (stable field names for scripts).</summary>
public sealed record SaleStatusView(
    string State,
    long Units,
    long Available,
    long Sold,
    IReadOnlyDictionary<string, long> Rejected,
    double TimeLeftSeconds,
    long OpensAt,
    long ClosesAt,
    long OrdersWaiting,
    long CustomersWaiting,
    long Pending)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static SaleStatusView From(SaleStatus s) => new(
        s.State, s.Units, s.Available, s.Sold, s.Rejected, Math.Round(s.TimeLeft.TotalSeconds, 1),
        s.OpensAt, s.ClosesAt, s.OrdersWaiting, s.CustomersWaiting, s.Pending);

    public static void Print(SaleStatus s, TextWriter output)
    {
        if (!s.Exists)
        {
            output.WriteLine("No sale has started. Start one with: sale start --units 10000 --duration 10m");
            return;
        }

        output.WriteLine($"Sale        {s.State}");
        output.WriteLine($"Units       {s.Units}");
        output.WriteLine($"Sold        {s.Sold}");
        output.WriteLine($"Available   {s.Available}");
        output.WriteLine($"Rejected    {s.RejectedTotal} ({string.Join(", ", s.Rejected.Select(r => $"{r.Key} {r.Value}"))})");
        output.WriteLine($"Opened      {SaleCommands.Time(s.OpensAt)}");
        output.WriteLine($"Closes      {SaleCommands.Time(s.ClosesAt)} ({SaleCommands.Format(s.TimeLeft)} left)");
        output.WriteLine($"Waiting     {s.OrdersWaiting} orders in queue:orders, {s.Pending} pending, {s.CustomersWaiting} customers in queue:customers");
    }
}
