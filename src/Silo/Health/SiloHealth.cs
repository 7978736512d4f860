using StackExchange.Redis;

namespace PopupStore.Silo.Health;

/// <summary>Healthy means: this silo is Active in the cluster and Redis answers a PING within a second.</summary>
public sealed class SiloHealth(ISiloStatusOracle oracle, IConnectionMultiplexer redis)
{
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(1);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellation)
    {
        var status = oracle.CurrentStatus;
        var active = status == SiloStatus.Active;
        var silos = active ? oracle.GetActiveSilos().Length : 0;
        string? problem = active ? null : $"silo is {status}";

        var redisOk = false;
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(RedisTimeout, cancellation);
            redisOk = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            problem ??= $"Redis does not answer: {ex.GetType().Name}";
        }

        return new HealthReport(active && redisOk, oracle.SiloAddress.ToString(), status.ToString(), redisOk, silos, problem);
    }
}
