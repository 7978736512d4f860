using PopupStore.Core.Redis;
using PopupStore.Testing;

namespace PopupStore.Tests.Redis;

/// <summary>How a process connects: settings it always forces, and the one line each failure becomes.</summary>
public sealed class RedisConnectorTests
{
    [Fact]
    public void Parsing_keeps_retrying_through_restarts_and_names_the_client()
    {
        var options = RedisConnector.Parse("127.0.0.1:6390,abortConnect=true");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("popupstore", options.ClientName);
        Assert.Equal("silo-1", RedisConnector.Parse("127.0.0.1:6390,name=silo-1").ClientName);
    }

    [Theory]
    [InlineData(",password=test-only-password", "Redis connection string names no endpoint (expected host:port).")]
    [InlineData("127.0.0.1:6390,connectTimeout=soon", "Redis connection string is not valid: ")]
    public void A_bad_connection_string_is_one_clear_message(string connectionString, string expected)
    {
        var error = Assert.Throws<RedisSetupException>(() => RedisConnector.Parse(connectionString));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_its_own_message_not_unreachable()
    {
        await using var server = await RedisProcess.StartAsync(password: Guid.NewGuid().ToString("N"));

        var error = await Assert.ThrowsAsync<RedisSetupException>(() =>
            RedisConnector.ConnectAsync(server.WithCredentials(null, "not-" + Guid.NewGuid().ToString("N")), TimeSpan.FromSeconds(15)));

        Assert.Equal(
            $"Redis at 127.0.0.1:{server.Port} refused the credentials (wrong user or password in the connection string).",
            error.Message);
    }

    [Fact]
    public async Task A_reachable_Redis_connects_and_answers()
    {
        await using var server = await RedisProcess.StartAsync();

        await using var redis = await RedisConnector.ConnectAsync(server.ConnectionString);

        Assert.True(redis.IsConnected);
        Assert.Equal("popupstore", await redis.GetDatabase().ExecuteAsync("CLIENT", "GETNAME") is { } name ? (string?)name : null);
    }

    [Fact]
    public async Task Nobody_listening_is_one_line_after_the_timeout()
    {
        var port = Ports.Free();

        var error = await Assert.ThrowsAsync<RedisSetupException>(() =>
            RedisConnector.ConnectAsync($"127.0.0.1:{port}", TimeSpan.FromSeconds(1)));

        Assert.StartsWith($"Redis at 127.0.0.1:{port} is unreachable: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
