using System.Net;
using System.Text;
using PopupStore.Core.Redis;
using PopupStore.Storefront.Tests.Infrastructure;
using StackExchange.Redis;

namespace PopupStore.Storefront.Tests;

/// <summary>A bad request is 400 application/problem+json that says what is wrong, and writes nothing to Redis.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class BadInputTests(StorefrontFixture fx)
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "", "empty" },
        { "{bad", "not valid JSON" },
        { "[\"customer\"]", "JSON object" },
        { "\"customer\"", "JSON object" },
        { "{}", "'customer' is missing" },
        { "{\"order\":\"o-1\"}", "'customer' is missing" },
        { "{\"customer\":null}", "'customer' is missing" },
        { "{\"customer\":\"\"}", "'customer' is empty" },
        { "{\"customer\":\"   \"}", "'customer' is blank" },
        { "{\"customer\":42}", "must be a string" },
        { "{\"customer\":\"a\\u0001b\"}", "control character" },
        { "{\"customer\":\"a\\nb\"}", "control character" },
        { "{\"customer\":\"\\ud800\"}", "Unicode" },
        { "{\"customer\":\"" + new string('a', 257) + "\"}", "longer than 256 bytes" },
        { "{\"customer\":\"" + new string('é', 129) + "\"}", "longer than 256 bytes" },
        { "{\"customer\":\"ok\",\"order\":\"\"}", "'order' is empty" },
        { "{\"customer\":\"ok\",\"order\":7}", "must be a string" },
        { "{\"customer\":\"a\",\"customer\":\"b\"}", "more than once" },
        { "{\"customer\":\"ok\",\"pad\":\"" + new string('x', 5000) + "\"}", "larger than 4096 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_order_body_is_400_and_writes_nothing(string body, string saying)
    {
        await fx.StartSaleAsync(5);
        var before = await SnapshotAsync(fx.Database);

        var response = await fx.A.PostRawAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(saying, response.Field("detail"), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(fx.Database));
    }

    [Fact]
    public async Task A_body_sent_in_chunks_is_held_to_the_same_limit_and_one_that_fills_it_is_taken()
    {
        await fx.StartSaleAsync(5);
        var before = await SnapshotAsync(fx.Database);

        var over = await fx.A.PostRawAsync(Padded("over", 4097), chunked: true);

        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Contains("larger than 4096 bytes", over.Field("detail"), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(fx.Database));

        var full = await fx.A.PostRawAsync(Padded("full", 4096), chunked: true);

        Assert.Equal(HttpStatusCode.OK, full.Status);
        Assert.Equal("complete", full.Outcome);
        Assert.Equal("full", full.Field("customer"));
    }

    [Fact]
    public async Task Ids_of_exactly_256_bytes_are_accepted()
    {
        await fx.StartSaleAsync(5);
        var customer = new string('é', 128);
        var order = "o" + new string('x', 255);

        var response = await fx.B.OrderAsync(customer, order);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("complete", response.Outcome);
        Assert.Equal(customer, response.Field("customer"));
    }

    [Fact]
    public async Task An_oversized_order_id_in_the_path_is_400()
    {
        var response = await fx.A.GetAsync($"/api/orders/{new string('o', 257)}?customer=c");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    // An order body of exactly `bytes` bytes of UTF-8: the customer and an ignored field padded to the size.
    private static string Padded(string customer, int bytes)
    {
        var bare = $"{{\"customer\":\"{customer}\",\"pad\":\"\"}}";
        return bare.Insert(bare.Length - 2, new string('x', bytes - Encoding.UTF8.GetByteCount(bare)));
    }

    private static async Task<(long Written, long Customers, long Web, long Answered)> SnapshotAsync(IDatabase db) =>
        (await db.OrdersWrittenAsync(), await db.StreamLengthAsync(RedisKeys.Customers),
         await db.HashLengthAsync(RedisKeys.WebOrders), await db.HashLengthAsync(RedisKeys.Answered));
}
