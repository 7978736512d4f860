namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>
/// What one customer does: arrives in queue:customers <paramref name="ArriveAt"/> after the run starts, then writes its
/// orders. <paramref name="Key"/> makes its ids: customer <c>c-&lt;run&gt;-&lt;key&gt;</c>, orders
/// <c>o-&lt;run&gt;-&lt;key&gt;-&lt;n&gt;</c>.
/// </summary>
public sealed record BuyerPlan(string Key, bool IsBot, TimeSpan ArriveAt, IReadOnlyList<PlannedOrder> Orders);
