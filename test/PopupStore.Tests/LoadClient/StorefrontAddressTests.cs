using PopupStore.LoadClient.Load;

namespace PopupStore.Tests.LoadClient;

/// <summary>The address <c>run --via http --address-per-buyer</c> gives each buyer.</summary>
public sealed class StorefrontAddressTests
{
    [Fact]
    public void A_buyer_keeps_its_address_and_buyers_get_different_ones()
    {
        var addresses = Enumerable.Range(0, 1_000).Select(i => StorefrontClient.AddressOf($"customer-{i}")).ToList();

        Assert.Equal(StorefrontClient.AddressOf("customer-7"), addresses[7]);
        Assert.All(addresses, a => Assert.Matches(@"^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$", a));
        Assert.True(addresses.Distinct().Count() > 990);
    }
}
