using PopupStore.Core.Sales;

namespace PopupStore.LoadClient.Live;

/// <summary>One refresh of the live view: the sale as Redis holds it, its rates and, during a run, the run's progress.</summary>
public sealed record LiveSample(TimeSpan Elapsed, SaleStatus Sale, LiveRates Rates, RunProgress? Run)
{
    public long Answered => Sale.Sold + Sale.RejectedTotal;
}
