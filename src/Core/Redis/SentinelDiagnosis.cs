using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// Says why a connection through Sentinel failed. StackExchange.Redis reports unreachable Sentinels, refused
/// credentials and an unknown service name alike; asking each Sentinel once, over a plain socket (AUTH, then
/// SENTINEL get-master-addr-by-name), tells them apart without depending on how the client fails.
/// </summary>
internal static class SentinelDiagnosis
{
    private static readonly TimeSpan PerSentinel = TimeSpan.FromSeconds(2);

    public static async Task<RedisSetupException> ExplainAsync(ConfigurationOptions asWritten, Exception failure, string where)
    {
        var service = asWritten.ServiceName!;
        var refused = false;
        var answered = false;
        foreach (var endpoint in asWritten.EndPoints)
        {
            string[] replies;
            try
            {
                replies = await AskAsync(endpoint, asWritten, service);
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                continue;
            }

            if (replies.Length > 0 && (replies[0].StartsWith("-WRONGPASS", StringComparison.Ordinal) || replies[0].StartsWith("-ERR AUTH", StringComparison.Ordinal)))
            {
                refused = true;
                continue;
            }

            answered = true;
            var address = replies[^1];
            if (address.StartsWith("-NOPERM", StringComparison.Ordinal) || address.StartsWith("-NOAUTH", StringComparison.Ordinal))
            {
                return new RedisSetupException($"Redis {where} refused the question \"where is the primary\": {address[1..]}", failure);
            }

            if (address.Length > 0 && address[0] == '*' && !address.StartsWith("*-1", StringComparison.Ordinal))
            {
                return new RedisSetupException(
                    $"Redis primary {address[1..]} named by {where} is unreachable: {RedisConnector.FirstLine(failure.Message)}", failure);
            }
        }

        if (answered)
        {
            return new RedisSetupException(
                $"Redis {where} knows no primary named '{service}' (check serviceName= in the connection string).", failure);
        }

        return refused ? RedisConnector.Refused(failure, where) : RedisConnector.Explain(failure, where);
    }

    /// <summary>
    /// The replies, one string each: a status or error line as sent ("+OK", "-WRONGPASS ..."), and the address
    /// as "*host:port" (or "*-1" when the Sentinel knows no such service).
    /// </summary>
    private static async Task<string[]> AskAsync(EndPoint endpoint, ConfigurationOptions options, string service)
    {
        using var timeout = new CancellationTokenSource(PerSentinel);
        using var client = new TcpClient();
        switch (endpoint)
        {
            case DnsEndPoint dns:
                await client.ConnectAsync(dns.Host, dns.Port, timeout.Token);
                break;
            case IPEndPoint ip:
                await client.ConnectAsync(ip, timeout.Token);
                break;
            default:
                throw new IOException($"cannot probe {endpoint}");
        }

        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        List<string> replies = [];
        if (options.Password is { } password)
        {
            string[] auth = options.User is { } user ? ["AUTH", user, password] : ["AUTH", password];
            await WriteAsync(stream, auth, timeout.Token);
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("closed");
            replies.Add(line);
            if (line.StartsWith('-'))
            {
                return [.. replies];
            }
        }

        await WriteAsync(stream, ["SENTINEL", "get-master-addr-by-name", service], timeout.Token);
        var head = await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("closed");
        if (head.StartsWith("*2", StringComparison.Ordinal))
        {
            await reader.ReadLineAsync(timeout.Token);
            var host = await reader.ReadLineAsync(timeout.Token);
            await reader.ReadLineAsync(timeout.Token);
            var port = await reader.ReadLineAsync(timeout.Token);
            head = $"*{host}:{port}";
        }
        else if (head.StartsWith("$-1", StringComparison.Ordinal) || head.StartsWith('_'))
        {
            head = "*-1";
        }

        replies.Add(head);
        return [.. replies];
    }

    private static async Task WriteAsync(Stream stream, string[] command, CancellationToken cancellation)
    {
        var text = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellation);
    }
}
