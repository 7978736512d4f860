using System.Diagnostics;
using PopupStore.Core.Sales;

namespace PopupStore.LoadClient.Live;

/// <summary>
/// Takes one sample per refresh: the sale status (one pipelined batch of GET, HGETALL, XLEN and TIME, plus the
/// group's pending summary), never a scan of a stream, so refreshing does not slow the crowd down.
/// </summary>
public sealed class LiveSampler(SaleStore store, Func<RunProgress?>? run = null)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly RateMeter _rates = new();

    public async Task<LiveSample> SampleAsync()
    {
        var status = await store.GetStatusAsync();
        var at = _clock.Elapsed;
        var rates = _rates.Add(at, status.Sold, status.RejectedTotal);
        return new LiveSample(at, status, rates, run?.Invoke());
    }
}
