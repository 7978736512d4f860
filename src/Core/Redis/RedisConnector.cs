using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// Opens the one multiplexer a process shares, and turns the ways that fails into one clear line. A connection
/// string that names Sentinels and <c>serviceName=</c> connects to the primary they name and follows their
/// promotions (StackExchange.Redis listens for +switch-master).
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
        var where = Where(options);

        // Connecting through Sentinel replaces the options' endpoints with the primary's: the probes below need
        // the options as written.
        var asWritten = options.Clone();
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(options, log);
        }
        catch (RedisConnectionException ex)
        {
            throw !string.IsNullOrEmpty(asWritten.ServiceName) ? await SentinelDiagnosis.ExplainAsync(asWritten, ex, where) : Explain(ex, where);
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
                    // Through Sentinel the client may hand back a multiplexer that has no primary at all (unknown
                    // service, credentials the Sentinels refuse): asking the Sentinels says which.
                    var sentinel = !string.IsNullOrEmpty(asWritten.ServiceName);
                    if (late && !credentialsRefused && !IsAuthentication(ex) && !sentinel)
                    {
                        credentialsRefused = await RefusesCredentialsAsync(asWritten);
                    }

                    if (late || credentialsRefused || IsAuthentication(ex))
                    {
                        await multiplexer.DisposeAsync();
                        throw credentialsRefused ? Refused(ex, where)
                            : sentinel ? await SentinelDiagnosis.ExplainAsync(asWritten, ex, where)
                            : Explain(ex, where);
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

    /// <summary>"at 127.0.0.1:6379", or for Sentinel "Sentinel 10.0.0.1:26379,10.0.0.2:26379 (service popupstore)".</summary>
    private static string Where(ConfigurationOptions options)
    {
        var endpoints = string.Join(",", options.EndPoints.Select(e => e.ToString()));
        return !string.IsNullOrEmpty(options.ServiceName) ? $"Sentinel {endpoints} (service {options.ServiceName})" : $"at {endpoints}";
    }

    internal static bool IsAuthentication(Exception ex) =>
        ex is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || ex.Message.Contains("WRONGPASS", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("NOAUTH", StringComparison.OrdinalIgnoreCase)
        || ex.InnerException is { } inner && IsAuthentication(inner);

    internal static RedisSetupException Explain(Exception ex, string where) =>
        IsAuthentication(ex)
            ? Refused(ex, where)
            : new RedisSetupException($"Redis {where} is unreachable: {FirstLine(ex.Message)}", ex);

    internal static RedisSetupException Refused(Exception ex, string where) =>
        new($"Redis {where} refused the credentials (wrong user or password in the connection string).", ex);

    internal static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
