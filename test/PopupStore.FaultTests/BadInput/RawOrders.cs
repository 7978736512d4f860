using System.Globalization;
using System.Text;
using CsCheck;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.FaultTests.BadInput;

public enum TicketKind
{
    None,
    Empty,
    Real,
    Unknown,
    Malformed,
}

/// <summary>
/// One queue:orders entry as any producer might write it: fields may be missing, empty, huge, not UTF-8,
/// repeated or unexpected. Null means the field is left out.
/// </summary>
public sealed record RawOrder(byte[]? Id, byte[]? Customer, TicketKind Ticket, string MalformedTicket, byte[]? SecondId, byte[]? Extra)
{
    public override string ToString() =>
        $"id={Show(Id)} customer={Show(Customer)} ticket={Ticket}{(Ticket == TicketKind.Malformed ? $"({MalformedTicket})" : string.Empty)} second-id={Show(SecondId)} extra={Show(Extra)}";

    private static string Show(byte[]? value) => value is null ? "(none)" : value.Length > 40 ? $"({value.Length} bytes)" : Convert.ToHexString(value);
}

/// <summary>Generators for bad, good and duplicate orders, and the contract's own reading of them (the oracle).</summary>
public static class RawOrders
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static Gen<byte[]> Utf8(Gen<string> text) => text.Select(t => Encoding.UTF8.GetBytes(t));

    /// <summary>Ids from a small range, so the same order id and the same customer come up more than once.</summary>
    private static Gen<byte[]> Plain(string prefix, int range) =>
        Utf8(Gen.Int[0, range].Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Valid ids that would break naive quoting: Lua patterns, RESP framing, separators, emoji, NUL.</summary>
    private static readonly Gen<byte[]> Tricky = Utf8(Gen.OneOf(
        "with space", "a:b:c", "queue:orders", "sale:buyers", "quote\"d'", "new\nline", "cr\r\nlf", "%s%d[[x]]--",
        "') redis.call('FLUSHALL') --", "\\", "{\"json\":1}", "😀 ünïcödé", "\ttab", "*?[]", "$1\r\n", "0", "-1", "nil",
        "false", "nul\0byte", "1-1"));

    private static readonly Gen<byte[]> Broken = Gen.OneOf(
        Gen.Const(Array.Empty<byte>()),
        Utf8(Gen.OneOf(" ", "   ", "\t\n")),
        Gen.Int[257, 4096].Select(n => Enumerable.Repeat((byte)'x', n).ToArray()),
        Gen.OneOf(new byte[] { 0xff, 0xfe }, new byte[] { 0xc3, 0x28 }, new byte[] { (byte)'a', 0xe2, 0x82 }, new byte[] { 0xed, 0xa0, 0x80 }));

    private static readonly Gen<byte[]?> Random = Gen.OneOf(
        Gen.String[0, 12].Select(s => (byte[]?)Encoding.UTF8.GetBytes(s)),
        Gen.Byte.Array[0, 12].Select(b => (byte[]?)b));

    private static Gen<byte[]?> Field(string prefix, int range) => Gen.Frequency(
        (12, Plain(prefix, range).Select(b => (byte[]?)b)),
        (3, Tricky.Select(b => (byte[]?)b)),
        (3, Broken.Select(b => (byte[]?)b)),
        (1, Random),
        (1, Gen.Const((byte[]?)null)));

    private static readonly Gen<string> MalformedTicket = Gen.OneOf(
        "abc", "1-", "-1", "1-2-3", " 1-1", "99999999999999999999999-0", "1-1\n", "*", "$", "+", "0x1-1");

    public static readonly Gen<RawOrder> Order = Gen.Select(
        Field("o", 30),
        Field("c", 12),
        Gen.Frequency((4, Gen.Const(TicketKind.None)), (1, Gen.Const(TicketKind.Empty)), (3, Gen.Const(TicketKind.Real)), (1, Gen.Const(TicketKind.Unknown)), (1, Gen.Const(TicketKind.Malformed))),
        MalformedTicket,
        Gen.Frequency((9, Gen.Const((byte[]?)null)), (1, Field("o", 30))),
        Gen.Frequency((3, Gen.Const((byte[]?)null)), (1, Random)),
        (id, customer, ticket, malformed, second, extra) => new RawOrder(id, customer, ticket, malformed, second, extra));

    public static readonly Gen<RawOrder[]> Stream = Order.Array[1, 25];

    /// <summary>XADDs the entry (registering a real customer ticket first when it has one); returns the entry id.</summary>
    public static async Task<(string EntryId, string? Ticket)> WriteAsync(IDatabase db, RawOrder order)
    {
        string? ticket = order.Ticket switch
        {
            TicketKind.Real => (string)(await db.StreamAddAsync(RedisKeys.Customers, "id", order.Customer ?? "anonymous"u8.ToArray()))!,
            TicketKind.Unknown => "1-1",
            TicketKind.Malformed => order.MalformedTicket,
            TicketKind.Empty => string.Empty,
            _ => null,
        };

        var args = new List<object> { (RedisKey)"queue:orders", "*" };
        void Add(string name, byte[]? value)
        {
            if (value is not null)
            {
                args.Add(name);
                args.Add((RedisValue)value);
            }
        }

        Add("id", order.Id);
        Add("customer", order.Customer);
        if (ticket is not null)
        {
            args.Add("ticket");
            args.Add(ticket);
        }

        Add("id", order.SecondId);
        Add("channel", order.Extra);
        if (args.Count == 2)
        {
            // XADD needs a field; an entry with only an unknown one is the worst a producer can do.
            args.Add("garbage");
            args.Add("only");
        }

        var entryId = (string)(await db.ExecuteAsync("XADD", args))!;
        return (entryId, order.Ticket == TicketKind.Real ? ticket : null);
    }

    /// <summary>
    /// What the contract says the order is answered under in sale:answered: its customer (empty when not usable) with
    /// its id when usable, else its entry id.
    /// </summary>
    public static string ExpectedKey(RawOrder order, string entryId) =>
        RedisKeys.AnswerField(UsableId(order.Customer) ?? string.Empty, ExpectedOrderId(order, entryId));

    /// <summary>The order id its outcome entry carries: its id when usable, else its entry id.</summary>
    public static string ExpectedOrderId(RawOrder order, string entryId) => UsableId(FirstId(order)) ?? entryId;

    /// <summary>The first <c>id</c> field counts; a repeated one is ignored, but alone it is the id.</summary>
    public static byte[]? FirstId(RawOrder order) => order.Id ?? order.SecondId;

    /// <summary>The contract (docs/redis-contract.md): anything but usable id, customer and ticket is invalid.</summary>
    public static bool ExpectedInvalid(RawOrder order) =>
        UsableId(FirstId(order)) is null || UsableId(order.Customer) is null || order.Ticket == TicketKind.Malformed;

    public static string? UsableId(byte[]? value)
    {
        if (value is null || value.Length is 0 or > 256)
        {
            return null;
        }

        try
        {
            var text = StrictUtf8.GetString(value);
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
