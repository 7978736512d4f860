using System.CommandLine;
using PopupStore.Core.Redis;
using StackExchange.Redis;

namespace PopupStore.LoadClient.Cli;

/// <summary>Connects for a command, turning connection problems into one line on stderr and exit code 3.</summary>
public static class RedisSession
{
    /// <summary>How long to wait for Redis unless the connection string sets <c>connectTimeout</c>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public static Task<int> RunAsync(ParseResult parse, Func<IConnectionMultiplexer, Task<int>> command) =>
        RunAsync(parse.GetValue(CommonOptions.Redis)!, parse.InvocationConfiguration.Error, command);

    /// <summary>
    /// How long a command may wait for Redis through Sentinel unless the connection string sets
    /// <c>asyncTimeout</c>: longer than a failover (at most 10 s, docs/failover.md), so a command issued while the
    /// primary is being replaced waits in the client's backlog for the new one instead of ending the run.
    /// </summary>
    public static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The connection string with <see cref="FailoverTimeout"/> added when it names Sentinels.</summary>
    public static string ThroughFailover(string connectionString) =>
        connectionString.Contains("serviceName=", StringComparison.OrdinalIgnoreCase)
        && !connectionString.Contains("asyncTimeout=", StringComparison.OrdinalIgnoreCase)
            ? $"{connectionString},asyncTimeout={FailoverTimeout.TotalMilliseconds:0}"
            : connectionString;

    public static async Task<int> RunAsync(string connectionString, TextWriter error, Func<IConnectionMultiplexer, Task<int>> command)
    {
        connectionString = ThroughFailover(connectionString);
        IConnectionMultiplexer redis;
        var timeout = ConnectTimeout(connectionString);
        try
        {
            redis = await RedisConnector.ConnectAsync(connectionString, timeout);
        }
        catch (RedisSetupException ex)
        {
            await error.WriteLineAsync($"{PopupStoreCli.Name}: {Explain(ex.Message, timeout)}");
            return ExitCodes.Unavailable;
        }

        await using (redis as IAsyncDisposable ?? throw new InvalidOperationException("The multiplexer is not disposable."))
        {
            try
            {
                return await command(redis);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                await error.WriteLineAsync($"{PopupStoreCli.Name}: lost Redis: {Shorten(ex.Message)}");
                return ExitCodes.Unavailable;
            }
        }
    }

    /// <summary>"Redis at host:port is unreachable" and how long it was tried, without the client's internals.</summary>
    public static string Explain(string message, TimeSpan waited)
    {
        const string unreachable = " is unreachable";
        var at = message.IndexOf(unreachable, StringComparison.Ordinal);
        return at < 0
            ? Shorten(message)
            : $"{message[..(at + unreachable.Length)]} (no answer within {waited.TotalSeconds:0.#} s); check --redis or $ConnectionStrings__Redis";
    }

    /// <summary>
    /// StackExchange.Redis explains a failed connection with a line of internal counters; an operator needs the
    /// first sentence only.
    /// </summary>
    public static string Shorten(string message)
    {
        var line = message.Split('\n', 2)[0].TrimEnd('\r');
        foreach (var cut in new[] { " - Last Connection Exception", ", mc:", ", command=", " (see http" })
        {
            var at = line.IndexOf(cut, StringComparison.Ordinal);
            if (at > 0)
            {
                line = line[..at];
            }
        }

        return line.Length > 240 ? line[..240] + "…" : line;
    }

    private static TimeSpan ConnectTimeout(string connectionString)
    {
        if (!connectionString.Contains("connectTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            return DefaultConnectTimeout;
        }

        try
        {
            return TimeSpan.FromMilliseconds(ConfigurationOptions.Parse(connectionString).ConnectTimeout);
        }
        catch (ArgumentException)
        {
            return DefaultConnectTimeout;
        }
    }
}
