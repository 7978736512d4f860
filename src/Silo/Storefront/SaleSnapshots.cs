using Microsoft.Extensions.Options;
using PopupStore.Core.Sales;
using PopupStore.Grains.Storefront;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// The sale's figures, read from Redis at most once per <see cref="StorefrontOptions.SaleCacheTime"/> per
/// silo however many pages ask: a crowd refreshing the page costs Redis nothing more.
/// </summary>
public sealed class SaleSnapshots(SaleStore sales, IOptions<StorefrontOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile Snapshot? _current;

    public async Task<SaleView> GetAsync(CancellationToken cancellation)
    {
        if (Fresh() is { } view)
        {
            return view;
        }

        await _reading.WaitAsync(cancellation);
        try
        {
            // Whoever waited for the reader gets what it read.
            if (Fresh() is { } read)
            {
                return read;
            }

            var status = await sales.GetStatusAsync();
            var fresh = SaleView.From(status);
            _current = new Snapshot(fresh, clock.GetTimestamp());
            return fresh;
        }
        finally
        {
            _reading.Release();
        }
    }

    private sealed record Snapshot(SaleView View, long ReadAt);

    private SaleView? Fresh() =>
        _current is { } current && clock.GetElapsedTime(current.ReadAt) < options.Value.SaleCacheTime ? current.View : null;
}
