using PopupStore.LoadClient.Cli;
using StackExchange.Redis;

namespace PopupStore.Tests.LoadClient;

/// <summary>Through Sentinel the LoadClient's commands outwait a failover instead of ending the run.</summary>
public sealed class FailoverTimeoutTests
{
    [Fact]
    public void A_Sentinel_connection_string_waits_longer_than_a_failover()
    {
        var options = ConfigurationOptions.Parse(RedisSession.ThroughFailover("s1:26379,s2:26379,serviceName=popupstore,user=popupstore,password=test-only-x"));

        Assert.Equal(15_000, options.AsyncTimeout);
        Assert.True(RedisSession.FailoverTimeout > TimeSpan.FromSeconds(10), "longer than the recovery budget of docs/failover.md");
    }

    [Theory]
    [InlineData("redis:6379,user=popupstore,password=test-only-x")]
    [InlineData("s1:26379,serviceName=popupstore,asyncTimeout=2000")]
    public void A_plain_string_or_one_that_sets_its_own_timeout_is_left_alone(string connectionString) =>
        Assert.Equal(connectionString, RedisSession.ThroughFailover(connectionString));
}
