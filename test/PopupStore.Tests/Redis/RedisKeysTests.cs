using PopupStore.Core.Redis;

namespace PopupStore.Tests.Redis;

/// <summary>The key names are a public contract (docs/redis-contract.md): Grafana, Gears and foreign producers read them.</summary>
public sealed class RedisKeysTests
{
    [Fact]
    public void The_key_names_are_the_documented_ones()
    {
        Assert.Equal(
            ["product", "queue:customers", "queue:orders", "queue:complete", "queue:rejected", "sale", "sale:buyers", "sale:answered", "sale:counts"],
            new[] { RedisKeys.Product, RedisKeys.Customers, RedisKeys.Orders, RedisKeys.Complete, RedisKeys.Rejected, RedisKeys.Sale, RedisKeys.Buyers, RedisKeys.Answered, RedisKeys.Counts }
                .Select(k => k.ToString()));
        Assert.Equal("popup", RedisKeys.ConsumerGroup);
        Assert.Equal(
            ["sale:buyers", "sale:answered", "sale:counts", "queue:complete", "queue:rejected", "sale:web-orders", "sale:confirmed", "queue:orders", "queue:customers"],
            RedisKeys.SaleData.Select(k => k.ToString()));

        // Kept across resets, so a sale generation is never reused.
        Assert.Equal("sale:generation", RedisKeys.Generation.ToString());
        Assert.DoesNotContain(RedisKeys.Generation, RedisKeys.SaleData);
    }
}
