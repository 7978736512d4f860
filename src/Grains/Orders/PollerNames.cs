namespace PopupStore.Grains.Orders;

/// <summary>
/// Poller keys are consumer names: "&lt;silo endpoint&gt;/&lt;n&gt;". A silo restarted on the same
/// endpoint gets its pollers (and their pending entries) back; any other silo's leftovers are claimed.
/// </summary>
public static class PollerNames
{
    public static string Prefix(SiloAddress silo) => $"{silo.Endpoint}/";

    public static string For(SiloAddress silo, int index) => $"{Prefix(silo)}{index}";

    public static bool BelongsTo(string consumer, SiloAddress silo) =>
        consumer.StartsWith(Prefix(silo), StringComparison.Ordinal);
}
