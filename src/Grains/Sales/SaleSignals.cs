using PopupStore.Core.Orders;
using PopupStore.Core.Redis;

namespace PopupStore.Grains.Sales;

/// <summary>
/// What this silo last learned about the sale: whether its stock ran out (from the script's answers)
/// and its window (from <see cref="SaleWatcher"/>). Only hints for the fast path, and only for orders
/// read under the same sale generation: the completion script decides every order, whatever this says.
/// </summary>
public sealed class SaleSignals
{
    private const long Unknown = -1;

    private long _soldOutGeneration = Unknown;
    private volatile SaleWindow? _window;

    /// <summary>True when this silo saw the stock of the order's sale run out.</summary>
    public bool IsSoldOut(OrderRequest order) =>
        order.Generation is { } generation && generation == Interlocked.Read(ref _soldOutGeneration);

    /// <summary>True when the order surely arrived outside its sale's window: it can only be closed.</summary>
    public bool ArrivedOutsideWindow(OrderRequest order) =>
        _window is { } window
        && order.Generation == window.Generation
        && order.ArrivedAt is { } arrived
        && !window.Contains(arrived);

    public SaleWindow? Window => _window;

    public void Observe(OrderRequest order, OrderResult result)
    {
        if (result == OrderResult.SoldOut && order.Generation is { } generation)
        {
            Interlocked.Exchange(ref _soldOutGeneration, generation);
        }
        else if (result == OrderResult.Complete)
        {
            // Stock came back only if it is another sale; a late complete of the same sale is harmless.
            Interlocked.Exchange(ref _soldOutGeneration, Unknown);
        }
    }

    public void Update(SaleWindow? window) => _window = window;
}
