using System.Net;
using PopupStore.Core.Redis;
using PopupStore.Testing;
using StackExchange.Redis;

namespace PopupStore.Tests.Redis;

/// <summary>
/// Connection strings that name Sentinels and <c>serviceName=</c>: the shared connector reaches the primary with
/// the shipped ACL users, follows a promotion on the same multiplexer, and says in one line why it cannot connect.
/// </summary>
public sealed class SentinelConnectorTests
{
    private static readonly TimeSpan Promotion = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_connector_reaches_the_primary_and_follows_a_promotion_without_reconnecting()
    {
        // A pair has no second replica to keep after the promotion, so the new primary would refuse every write
        // under the shipped min-replicas-to-write 1; the write after the promotion is the proof of following.
        await using var pair = await SentinelPair.StartAsync(extraServerArguments: ["--min-replicas-to-write", "0"]);
        await using var redis = await RedisConnector.ConnectAsync(pair.ConnectionString(), TimeSpan.FromSeconds(30));
        var db = redis.GetDatabase();

        Assert.Equal(pair.Primary.Port, await RoutedPortAsync(db));
        await db.StringSetAsync("sale:sentinel-proof", "before");
        await using (var admin = await pair.Primary.ConnectAsync())
        {
            // The replica has the key before the primary dies, so the promoted one must answer it.
            var acknowledged = (long)await admin.GetDatabase().ExecuteAsync("WAIT", 1, 10_000);
            Assert.Equal(1, acknowledged);
        }

        var oldPrimary = pair.Primary.Port;
        await pair.KillPrimaryAndWaitForPromotionAsync(Promotion);
        Assert.NotEqual(oldPrimary, pair.Primary.Port);

        var deadline = DateTime.UtcNow + Promotion;
        int? serving = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                serving = await RoutedPortAsync(db);
                if (serving == pair.Primary.Port && await db.StringGetAsync("sale:sentinel-proof") == "before")
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
            {
                // Between the kill and the switch the multiplexer has no primary, or still asks the replica.
            }

            await Task.Delay(200);
        }

        Assert.Equal(pair.Primary.Port, serving);
        Assert.Equal("before", (string?)await db.StringGetAsync("sale:sentinel-proof"));
        Assert.True(await db.StringSetAsync("sale:sentinel-proof", "after"));
        await using var promoted = await pair.Primary.ConnectAsync();
        Assert.Equal("after", (string?)await promoted.GetDatabase().StringGetAsync("sale:sentinel-proof"));
    }

    [Fact]
    public async Task Unreachable_Sentinels_are_one_line_naming_them()
    {
        var port = Ports.Free();
        var error = await Assert.ThrowsAsync<RedisSetupException>(() => RedisConnector.ConnectAsync(
            $"127.0.0.1:{port},serviceName=popupstore,user=popupstore,password=test-only-wrong", TimeSpan.FromSeconds(2)));

        Assert.StartsWith($"Redis Sentinel 127.0.0.1:{port} (service popupstore) is unreachable: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task An_unknown_service_name_and_a_wrong_password_are_each_one_line()
    {
        await using var pair = await SentinelPair.StartAsync();

        var unknown = await Assert.ThrowsAsync<RedisSetupException>(() => RedisConnector.ConnectAsync(
            pair.ConnectionString().Replace("serviceName=popupstore", "serviceName=elsewhere", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5)));
        Assert.Equal(
            $"Redis Sentinel 127.0.0.1:{pair.Sentinel.Port} (service elsewhere) knows no primary named 'elsewhere' (check serviceName= in the connection string).",
            unknown.Message);

        var refused = await Assert.ThrowsAsync<RedisSetupException>(() => RedisConnector.ConnectAsync(
            pair.ConnectionString().Replace(pair.Password, "not-" + pair.Password, StringComparison.Ordinal), TimeSpan.FromSeconds(5)));
        Assert.Equal(
            $"Redis Sentinel 127.0.0.1:{pair.Sentinel.Port} (service popupstore) refused the credentials (wrong user or password in the connection string).",
            refused.Message);
    }

    /// <summary>The server the multiplexer sends a write to.</summary>
    private static async Task<int?> RoutedPortAsync(IDatabase db) =>
        (await db.IdentifyEndpointAsync("sale:sentinel-proof") as IPEndPoint)?.Port;
}
