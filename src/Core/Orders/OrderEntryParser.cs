using System.Text;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.Core.Orders;

/// <summary>
/// Reads a queue:orders entry against the contract (fields <c>id</c>, <c>customer</c>, optional
/// <c>ticket</c>; extra fields ignored). Anything else becomes an invalid request that still gets
/// an answer, keyed by the entry id when the order has no usable id.
/// </summary>
public static class OrderEntryParser
{
    public const int MaxIdBytes = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads an entry; <paramref name="generation"/> is the sale generation it was read under, <paramref name="readAt"/>
    /// Redis' clock (ms) when it was read (0 or null: unknown).
    /// </summary>
    public static OrderRequest Parse(StreamEntry entry, long? generation = null, long? readAt = null)
    {
        var entryId = entry.Id.ToString();
        RedisValue id = RedisValue.Null, customer = RedisValue.Null, ticket = RedisValue.Null;
        foreach (var field in entry.Values)
        {
            // Names are compared as bytes: a string per field name was a visible share of what a silo allocated.
            // The first occurrence wins, so a repeated field cannot smuggle a second value in.
            var name = ((ReadOnlyMemory<byte>)field.Name).Span;
            if (id.IsNull && name.SequenceEqual("id"u8))
            {
                id = field.Value;
            }
            else if (customer.IsNull && name.SequenceEqual("customer"u8))
            {
                customer = field.Value;
            }
            else if (ticket.IsNull && name.SequenceEqual("ticket"u8))
            {
                ticket = field.Value;
            }
        }

        var (orderId, orderProblem) = ReadId(id, "order id");
        var (customerId, customerProblem) = ReadId(customer, "customer id");
        var (ticketText, ticketProblem) = ReadTicket(ticket);

        var problem = orderProblem ?? customerProblem ?? ticketProblem;
        var read = readAt is > 0 ? readAt : null;
        return problem is null
            ? new OrderRequest(orderId!, customerId!, ticketText, entryId, Generation: generation, ReadAt: read)
            : new OrderRequest(orderId ?? entryId, customerId ?? string.Empty, ticketProblem is null ? ticketText : string.Empty, entryId, problem, generation, ReadAt: read);
    }

    private static (string? Value, string? Problem) ReadId(RedisValue raw, string what)
    {
        if (raw.IsNull)
        {
            return (null, $"missing {what}");
        }

        byte[] bytes = raw!;
        if (bytes.Length == 0)
        {
            return (null, $"empty {what}");
        }

        if (bytes.Length > MaxIdBytes)
        {
            return (null, $"{what} longer than {MaxIdBytes} bytes");
        }

        try
        {
            var text = StrictUtf8.GetString(bytes);
            return string.IsNullOrWhiteSpace(text) ? (null, $"blank {what}") : (text, null);
        }
        catch (DecoderFallbackException)
        {
            return (null, $"{what} is not UTF-8");
        }
    }

    private static (string Value, string? Problem) ReadTicket(RedisValue raw)
    {
        // A producer may leave the ticket out (nothing to remove from queue:customers then),
        // but a ticket that is there must be a stream id: XDEL would fail on anything else.
        if (raw.IsNull || ((byte[])raw!).Length == 0)
        {
            return (string.Empty, null);
        }

        var text = (string?)raw ?? string.Empty;
        return StreamIds.IsValid(text) ? (text, null) : (string.Empty, "malformed ticket");
    }
}
