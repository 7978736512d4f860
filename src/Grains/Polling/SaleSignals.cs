using PopupStore.Core.Orders;

namespace PopupStore.Grains.Polling;

/// <summary>
/// What this silo last learned about the stock from the script's answers. Only a hint for the fast
/// path: the completion script decides every order, whatever this says.
/// </summary>
public sealed class SaleSignals
{
    private volatile bool _soldOut;

    public bool SoldOut => _soldOut;

    public void Observe(OrderResult result)
    {
        if (result == OrderResult.SoldOut)
        {
            _soldOut = true;
        }
        else if (result == OrderResult.Complete)
        {
            // A new sale (forced start) has stock again.
            _soldOut = false;
        }
    }
}
