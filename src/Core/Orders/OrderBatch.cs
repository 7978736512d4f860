using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// Entries read from queue:orders together with the sale generation Redis held at that instant (0 when
/// no sale existed) and Redis' clock then (<see cref="ReadAt"/>, ms; 0 when unknown); all come from one
/// MULTI/EXEC, so no sale can start or be reset in between, and every entry read was written by then.
/// </summary>
public readonly record struct OrderBatch(StreamEntry[] Entries, long Generation, long ReadAt = 0)
{
    public int Length => Entries.Length;
}
