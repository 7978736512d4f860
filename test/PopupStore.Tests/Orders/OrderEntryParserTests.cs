using PopupStore.Core.Orders;
using StackExchange.Redis;

namespace PopupStore.Tests.Orders;

public sealed class OrderEntryParserTests
{
    private static StreamEntry Entry(params (string Name, RedisValue Value)[] fields) =>
        new("1700000000000-0", fields.Select(f => new NameValueEntry(f.Name, f.Value)).ToArray());

    [Fact]
    public void A_contract_entry_becomes_a_valid_request()
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", "c1"), ("ticket", "1700000000000-5")));

        Assert.True(request.IsValid);
        Assert.Equal(new OrderRequest("o1", "c1", "1700000000000-5", "1700000000000-0"), request);
    }

    [Fact]
    public void Extra_fields_from_a_foreign_producer_are_ignored_and_the_ticket_is_optional()
    {
        var request = OrderEntryParser.Parse(Entry(("source", "kiosk"), ("customer", "c1"), ("id", "o1"), ("note", "hi")));

        Assert.True(request.IsValid);
        Assert.Equal(string.Empty, request.Ticket);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("colon:ed")]
    [InlineData("quote\"d'")]
    [InlineData("new\nline")]
    [InlineData("lua]]--%s")]
    [InlineData("émilie")]
    public void Customer_ids_with_special_characters_are_kept_as_they_are(string customer)
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", customer)));

        Assert.True(request.IsValid);
        Assert.Equal(customer, request.CustomerId);
    }

    [Fact]
    public void Missing_order_id_is_invalid_and_answered_under_the_entry_id()
    {
        var request = OrderEntryParser.Parse(Entry(("customer", "c1")));

        Assert.False(request.IsValid);
        Assert.Equal("1700000000000-0", request.OrderId);
        Assert.Equal("missing order id", request.InvalidReason);
    }

    [Theory]
    [InlineData("", "c1", null, "empty order id")]
    [InlineData("o1", "", null, "empty customer id")]
    [InlineData("o1", "   ", null, "blank customer id")]
    [InlineData("o1", null, null, "missing customer id")]
    [InlineData("o1", "c1", "not-a-ticket", "malformed ticket")]
    [InlineData("o1", "c1", "99999999999999999999999-1", "malformed ticket")]
    public void Broken_entries_are_invalid_with_a_reason(string? id, string? customer, string? ticket, string reason)
    {
        var fields = new List<(string, RedisValue)>();
        if (id is not null)
        {
            fields.Add(("id", id));
        }

        if (customer is not null)
        {
            fields.Add(("customer", customer));
        }

        if (ticket is not null)
        {
            fields.Add(("ticket", ticket));
        }

        var request = OrderEntryParser.Parse(Entry([.. fields]));

        Assert.False(request.IsValid);
        Assert.Equal(reason, request.InvalidReason);
        Assert.True(request.Ticket.Length == 0 || Core.Redis.StreamIds.IsValid(request.Ticket));
    }

    [Fact]
    public void Megabyte_values_are_invalid_without_being_copied_into_the_answer()
    {
        var huge = new string('x', 1024 * 1024);

        var request = OrderEntryParser.Parse(Entry(("id", huge), ("customer", "c1")));

        Assert.False(request.IsValid);
        Assert.Equal("1700000000000-0", request.OrderId);
        Assert.Contains("longer than", request.InvalidReason);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_invalid()
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", new byte[] { 0xff, 0xfe, 0x41 })));

        Assert.False(request.IsValid);
        Assert.Equal("customer id is not UTF-8", request.InvalidReason);
        Assert.Equal("o1", request.OrderId);
    }

    [Fact]
    public void A_repeated_field_keeps_its_first_value()
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", "c1"), ("customer", "c2")));

        Assert.Equal("c1", request.CustomerId);
    }

    [Fact]
    public void With_several_problems_the_order_ids_is_named_first_then_the_customers()
    {
        Assert.Equal("empty order id", OrderEntryParser.Parse(Entry(("id", ""), ("customer", ""), ("ticket", "bad"))).InvalidReason);
        Assert.Equal("empty customer id", OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", ""), ("ticket", "bad"))).InvalidReason);
    }

    [Fact]
    public void An_invalid_order_keeps_a_good_ticket_so_the_customer_still_leaves_the_queue()
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("ticket", "1700000000000-5")));

        Assert.Equal(new OrderRequest("o1", string.Empty, "1700000000000-5", "1700000000000-0", "missing customer id"), request);
    }

    [Fact]
    public void A_malformed_ticket_is_dropped_from_the_invalid_request()
    {
        var request = OrderEntryParser.Parse(Entry(("id", "o1"), ("customer", "c1"), ("ticket", "not-a-ticket")));

        Assert.Equal(new OrderRequest("o1", "c1", string.Empty, "1700000000000-0", "malformed ticket"), request);
    }

    [Fact]
    public void An_id_of_exactly_the_limit_is_valid_and_one_byte_more_is_not()
    {
        var longest = new string('x', OrderEntryParser.MaxIdBytes);

        Assert.True(OrderEntryParser.Parse(Entry(("id", longest), ("customer", "c1"))).IsValid);
        Assert.Equal(
            $"order id longer than {OrderEntryParser.MaxIdBytes} bytes",
            OrderEntryParser.Parse(Entry(("id", longest + "x"), ("customer", "c1"))).InvalidReason);
    }
}
