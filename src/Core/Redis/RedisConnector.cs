using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// Opens the one multiplexer a process shares, and turns the ways that fails into one clear line.
/// </summary>
public static class RedisConnector
{
    public const string DefaultConnectionString = "localhost:6379";

    public static ConfigurationOptions Parse(string connectionString)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new RedisSetupException($"Redis connection string is not valid: {ex.Message}", ex);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new RedisSetupException("Redis connection string names no endpoint (expected host:port).");
        }

        // A flash sale must survive a Redis restart: keep retrying instead of failing calls for good.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "popupstore";
        return options;
    }

    /// <summary>Connects and proves the connection works (PING), so a wrong password fails here, at start.</summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(
        string connectionString, TimeSpan? timeout = null, TextWriter? log = null)
    {
        var options = Parse(connectionString);
        var wait = timeout ?? TimeSpan.FromSeconds(10);
        options.ConnectTimeout = (int)Math.Min(wait.TotalMilliseconds, int.MaxValue);
        var where = string.Join(",", options.EndPoints.Select(e => e.ToString()));

        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(options, log);
        }
        catch (RedisConnectionException ex)
        {
            throw Explain(ex, where);
        }

        // A refused AUTH does not always reach the PING: the client may keep reconnecting and the PING time out in
        // its backlog. The reconnection attempts' failures say why; listened to only while proving the connection.
        var refused = 0;
        void OnConnectionFailed(object? sender, ConnectionFailedEventArgs failure)
        {
            if (failure.FailureType == ConnectionFailureType.AuthenticationFailure
                || failure.Exception is { } error && IsAuthentication(error))
            {
                Volatile.Write(ref refused, 1);
            }
        }

        multiplexer.ConnectionFailed += OnConnectionFailed;
        try
        {
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                try
                {
                    await multiplexer.GetDatabase().PingAsync();
                    return multiplexer;
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
                {
                    var credentialsRefused = Volatile.Read(ref refused) == 1;
                    var late = DateTime.UtcNow >= deadline;

                    // The client may not have tried again before the deadline (its reconnections back off), and its
                    // first refusal came before anything listened: one connection that gives up at its first failure
                    // says whether that failure is the credentials.
                    if (late && !credentialsRefused && !IsAuthentication(ex))
                    {
                        credentialsRefused = await RefusesCredentialsAsync(options);
                    }

                    if (late || credentialsRefused || IsAuthentication(ex))
                    {
                        await multiplexer.DisposeAsync();
                        throw credentialsRefused ? Refused(ex, where) : Explain(ex, where);
                    }

                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
        }
    }

    private static async Task<bool> RefusesCredentialsAsync(ConfigurationOptions options)
    {
        var once = options.Clone();
        once.AbortOnConnectFail = true;
        once.ConnectRetry = 1;
        try
        {
            await using var probe = await ConnectionMultiplexer.ConnectAsync(once);
            return false;
        }
        catch (RedisConnectionException ex)
        {
            return IsAuthentication(ex);
        }
    }

    private static bool IsAuthentication(Exception ex) =>
        ex is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || ex.Message.Contains("WRONGPASS", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase)
        || ex.InnerException is { } inner && IsAuthentication(inner);

    private static RedisSetupException Explain(Exception ex, string where) =>
        IsAuthentication(ex)
            ? Refused(ex, where)
            : new RedisSetupException($"Redis at {where} is unreachable: {FirstLine(ex.Message)}", ex);

    private static RedisSetupException Refused(Exception ex, string where) =>
        new($"Redis at {where} refused the credentials (wrong user or password in the connection string).", ex);

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
