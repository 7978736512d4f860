using System.Net;
using StackExchange.Redis;

namespace PopupStore.Core.Redis;

/// <summary>
/// Says why a connection through Sentinel failed. StackExchange.Redis reports unreachable Sentinels, refused
/// credentials and an unknown service name alike ("Failed connecting to configured primary for service"); asking
/// the Sentinels directly, once, tells them apart.
/// </summary>
internal static class SentinelDiagnosis
{
    public static async Task<RedisSetupException> ExplainAsync(ConfigurationOptions asWritten, Exception failure, string where)
    {
        var probe = asWritten.Clone();
        var service = probe.ServiceName!;
        probe.ServiceName = null;
        probe.CommandMap = CommandMap.Sentinel;
        probe.AbortOnConnectFail = true;
        probe.ConnectRetry = 1;
        ConnectionMultiplexer sentinels;
        try
        {
            sentinels = await ConnectionMultiplexer.SentinelConnectAsync(probe);
        }
        catch (RedisConnectionException ex)
        {
            return RedisConnector.Explain(ex, where);
        }

        await using (sentinels)
        {
            foreach (var endpoint in probe.EndPoints)
            {
                EndPoint? primary;
                try
                {
                    primary = await sentinels.GetServer(endpoint).SentinelGetMasterAddressByNameAsync(service);
                }
                catch (RedisServerException ex) when (RedisConnector.IsAuthentication(ex) || ex.Message.StartsWith("NOPERM", StringComparison.Ordinal))
                {
                    return new RedisSetupException(
                        $"Redis {where} refused the question \"where is the primary\": {RedisConnector.FirstLine(ex.Message)}", ex);
                }
                catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
                {
                    continue;
                }

                if (primary is not null)
                {
                    return new RedisSetupException(
                        $"Redis primary {Format(primary)} named by {where} is unreachable: {RedisConnector.FirstLine(failure.Message)}", failure);
                }
            }
        }

        return new RedisSetupException(
            $"Redis {where} knows no primary named '{service}' (check serviceName= in the connection string).", failure);
    }

    private static string Format(EndPoint endpoint) =>
        endpoint is IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : endpoint.ToString() ?? "?";
}
