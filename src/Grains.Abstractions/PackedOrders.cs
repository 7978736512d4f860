using System.Buffers.Binary;
using System.Text;
using PopupStore.Core.Orders;

namespace PopupStore.Grains;

/// <summary>
/// A routed batch of orders as one byte array. Orleans tracks every string it serializes as a reference, and
/// a message with more than 64 of them allocates a lookup dictionary on each side: a batch of <see cref="OrderRequest"/>s
/// (a record and four strings each) passes that at 13 orders, and routed batches are several times larger.
/// Packed, a batch is one tracked object, and its ids are read back as new strings on the receiving silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("PopupStore.PackedOrders")]
public sealed record PackedOrders([property: Id(0)] byte[] Bytes, [property: Id(1)] int Count)
{
    [Flags]
    private enum Optional : byte
    {
        None = 0,
        InvalidReason = 1,
        Generation = 2,
        BoughtBefore = 4,
        ReadAt = 8,
    }

    public static PackedOrders Pack(IReadOnlyList<OrderRequest> orders)
    {
        var size = 0;
        for (var i = 0; i < orders.Count; i++)
        {
            size += SizeOf(orders[i]);
        }

        var bytes = new byte[size];
        var rest = bytes.AsSpan();
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            Write(ref rest, order.OrderId);
            Write(ref rest, order.CustomerId);
            Write(ref rest, order.Ticket);
            Write(ref rest, order.EntryId);
            var optional = (order.InvalidReason is null ? Optional.None : Optional.InvalidReason)
                | (order.Generation is null ? Optional.None : Optional.Generation)
                | (order.BoughtBefore is null ? Optional.None : Optional.BoughtBefore)
                | (order.ReadAt is null ? Optional.None : Optional.ReadAt);
            rest[0] = (byte)optional;
            rest = rest[1..];
            if (order.InvalidReason is { } reason)
            {
                Write(ref rest, reason);
            }

            if (order.Generation is { } generation)
            {
                BinaryPrimitives.WriteInt64LittleEndian(rest, generation);
                rest = rest[sizeof(long)..];
            }

            if (order.BoughtBefore is { } boughtBefore)
            {
                Write(ref rest, boughtBefore);
            }

            if (order.ReadAt is { } readAt)
            {
                BinaryPrimitives.WriteInt64LittleEndian(rest, readAt);
                rest = rest[sizeof(long)..];
            }
        }

        return new PackedOrders(bytes, orders.Count);
    }

    /// <exception cref="InvalidDataException">The bytes are not <see cref="Count"/> packed orders.</exception>
    public OrderRequest[] Unpack()
    {
        var orders = new OrderRequest[Count];
        ReadOnlySpan<byte> rest = Bytes;
        try
        {
            for (var i = 0; i < orders.Length; i++)
            {
                var orderId = Read(ref rest);
                var customerId = Read(ref rest);
                var ticket = Read(ref rest);
                var entryId = Read(ref rest);
                var optional = (Optional)rest[0];
                rest = rest[1..];
                var reason = optional.HasFlag(Optional.InvalidReason) ? Read(ref rest) : null;
                long? generation = null;
                if (optional.HasFlag(Optional.Generation))
                {
                    generation = BinaryPrimitives.ReadInt64LittleEndian(rest);
                    rest = rest[sizeof(long)..];
                }

                var boughtBefore = optional.HasFlag(Optional.BoughtBefore) ? Read(ref rest) : null;
                long? readAt = null;
                if (optional.HasFlag(Optional.ReadAt))
                {
                    readAt = BinaryPrimitives.ReadInt64LittleEndian(rest);
                    rest = rest[sizeof(long)..];
                }

                orders[i] = new OrderRequest(orderId, customerId, ticket, entryId, reason, generation, boughtBefore, readAt);
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"The packed batch ends inside one of its {Count} orders.", ex);
        }

        return rest.IsEmpty
            ? orders
            : throw new InvalidDataException($"The packed batch holds {rest.Length} bytes more than its {Count} orders.");
    }

    private static int SizeOf(OrderRequest order) =>
        SizeOf(order.OrderId) + SizeOf(order.CustomerId) + SizeOf(order.Ticket) + SizeOf(order.EntryId) + 1
        + (order.InvalidReason is { } reason ? SizeOf(reason) : 0)
        + (order.Generation is null ? 0 : sizeof(long))
        + (order.BoughtBefore is { } boughtBefore ? SizeOf(boughtBefore) : 0)
        + (order.ReadAt is null ? 0 : sizeof(long));

    private static int SizeOf(string value) => sizeof(int) + Encoding.UTF8.GetByteCount(value);

    private static void Write(ref Span<byte> rest, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, rest[sizeof(int)..]);
        BinaryPrimitives.WriteInt32LittleEndian(rest, length);
        rest = rest[(sizeof(int) + length)..];
    }

    private static string Read(ref ReadOnlySpan<byte> rest)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
        var value = Encoding.UTF8.GetString(rest.Slice(sizeof(int), length));
        rest = rest[(sizeof(int) + length)..];
        return value;
    }
}
