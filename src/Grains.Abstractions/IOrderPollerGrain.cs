namespace PopupStore.Grains;

/// <summary>
/// A consumer of the <c>popup</c> group on queue:orders. Its key is its consumer name, so a poller
/// that comes back (same silo endpoint) first answers what it had been given before.
/// </summary>
[Alias("PopupStore.IOrderPollerGrain")]
public interface IOrderPollerGrain : IGrainWithStringKey
{
    /// <summary>Activates the poller if needed; called periodically by its silo to keep it alive.</summary>
    [Alias("Start")]
    ValueTask Start();

    [Alias("GetStats")]
    ValueTask<PollerStats> GetStats();
}
