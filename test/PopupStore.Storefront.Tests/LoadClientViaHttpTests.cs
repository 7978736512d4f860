using PopupStore.Core.Redis;
using PopupStore.LoadClient.Load;
using PopupStore.LoadClient.Load.Profiles;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary><c>run --via http</c>: the crowd through the storefront of two silos, with the same report and invariants.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class LoadClientViaHttpTests(StorefrontFixture fx)
{
    [Theory]
    [InlineData(BuyerProfiles.Flash)]
    [InlineData(BuyerProfiles.Bots)]
    public async Task A_crowd_through_the_storefront_buys_every_unit_once_with_every_order_answered(string profileName)
    {
        await fx.StartSaleAsync(150);
        IBuyerProfile profile = profileName == BuyerProfiles.Bots ? new BotsProfile(3, 10) : new FlashProfile();
        var output = new StringWriter();

        var report = await RunCommand.ExecuteAsync(
            fx.Redis,
            new LoadSettings(400, 0.2, null, 0, 0, TimeSpan.FromMinutes(1), Seed: 11, Profile: profile),
            output,
            CancellationToken.None,
            plain: true,
            storefront: new StorefrontTarget([fx.A.Address, fx.B.Address]));

        Assert.True(report.Passed, output.ToString());
        Assert.Equal("http", report.Via);
        Assert.Equal(150, report.Completed);
        Assert.Equal(0, (long)await fx.Database.StringGetAsync(RedisKeys.Product));
        var web = report.Storefront!;
        Assert.Equal(report.OrdersWritten, web.Answered + web.Followed);
        Assert.Equal(report.OrdersWritten, report.Latency.Count);
        Assert.Equal(0, web.Failed);
        Assert.Contains("Storefront responses   200 ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Latency request→response", output.ToString(), StringComparison.Ordinal);
        if (profileName == BuyerProfiles.Bots)
        {
            // Ten orders at once per bot: past the per-customer burst the storefront refuses them (429),
            // and a refused order is not written, so it is owed no outcome.
            Assert.True(web.Refused > 0, output.ToString());
        }
    }

    [Fact]
    public async Task With_an_address_per_buyer_a_crowd_passes_the_per_client_limit_that_one_address_would_hit()
    {
        // Silo C allows each client address 3 requests at once and one a second after: the crowd from this process'
        // one address would be refused after its first three orders.
        await fx.StartSaleAsync(60);
        var output = new StringWriter();

        var report = await RunCommand.ExecuteAsync(
            fx.Redis,
            new LoadSettings(60, 0, null, 0, 0, TimeSpan.FromMinutes(1), Seed: 5),
            output,
            CancellationToken.None,
            plain: true,
            storefront: new StorefrontTarget([fx.C.Address], AddressPerBuyer: true));

        Assert.True(report.Passed, output.ToString());
        Assert.Equal(0, report.Storefront!.Refused);
        Assert.Equal(60, report.Completed);
        Assert.Contains("an address per buyer", output.ToString(), StringComparison.Ordinal);
    }
}
