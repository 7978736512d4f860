using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using PopupStore.Core.Orders;
using PopupStore.Grains;

namespace PopupStore.Tests.Placement;

/// <summary>A routed batch packed into one byte array and back, and through Orleans' serializer as a silo sends it.</summary>
public sealed class PackedOrdersTests
{
    private static readonly OrderRequest[] Orders =
    [
        new("o1", "c1", "1700000000000-0", "1700000000001-3", Generation: 7),
        new("o2", "c2", string.Empty, "1700000000002-0", InvalidReason: "customer is missing", Generation: 7),
        new("o3", "c3", "1700000000003-1", "1700000000003-2", Generation: 7, BoughtBefore: "o0", ReadAt: 1700000000004),
        new("ordre-é-ü-😀", "kunde-ß", "t", "1-1"),
        new(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, long.MinValue, string.Empty, long.MaxValue),
    ];

    [Fact]
    public void Every_field_comes_back_as_it_was_packed()
    {
        var packed = PackedOrders.Pack(Orders);

        Assert.Equal(Orders.Length, packed.Count);
        Assert.Equal(Orders, packed.Unpack());
    }

    [Fact]
    public void An_empty_batch_is_empty_both_ways()
    {
        var packed = PackedOrders.Pack([]);

        Assert.Empty(packed.Bytes);
        Assert.Empty(packed.Unpack());
    }

    [Fact]
    public void Bytes_that_end_inside_an_order_or_run_past_the_last_are_refused()
    {
        var packed = PackedOrders.Pack(Orders);

        for (var cut = 0; cut < packed.Bytes.Length; cut++)
        {
            var shortened = packed with { Bytes = packed.Bytes[..cut] };
            Assert.Throws<InvalidDataException>(() => shortened.Unpack());
        }

        Assert.Throws<InvalidDataException>(() => (packed with { Bytes = [.. packed.Bytes, 0] }).Unpack());
        Assert.Throws<InvalidDataException>(() => (packed with { Count = Orders.Length + 1 }).Unpack());
    }

    [Fact]
    public void A_packed_batch_and_its_answers_cross_orleans_serializer_whole()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var batch = Enumerable.Range(0, 200).Select(i => new OrderRequest($"order-{i}", $"customer-{i}", $"{i}-0", $"{i}-1", Generation: 3)).ToArray();
        RoutedAnswer[] answers =
        [
            new(new OrderOutcome(OrderResult.Complete, true)),
            new(default, "RedisTimeoutException", "timed out", FailureOutsideTheEntry: true),
        ];

        var packed = serializer.Deserialize<PackedOrders>(serializer.SerializeToArray(PackedOrders.Pack(batch)));
        var returned = serializer.Deserialize<RoutedAnswer[]>(serializer.SerializeToArray(answers));

        Assert.Equal(batch, Assert.IsType<PackedOrders>(packed).Unpack());
        Assert.Equal(answers, returned);
    }
}
