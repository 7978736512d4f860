using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// Entries read from queue:orders together with the sale generation Redis held at that instant (0 when
/// no sale existed); both come from one MULTI/EXEC, so no sale can start or be reset in between.
/// </summary>
public readonly record struct OrderBatch(StreamEntry[] Entries, long Generation)
{
    public int Length => Entries.Length;
}
