using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace PopupStore.Testing;

/// <summary>
/// The smallest replicated topology: a primary, one replica and one Sentinel (quorum 1) on loopback, with the
/// shipped ACL users (redis/users.acl.template), replication settings (redis/replication.conf) and Sentinel
/// configuration. Kill the primary and the Sentinel promotes the replica (down-after 3 s).
/// </summary>
public sealed class SentinelPair : IAsyncDisposable
{
    public const string ServiceName = "popupstore";

    private readonly string? _binary;
    private readonly List<string> _serverArguments;

    private SentinelPair(string password, string? binary, List<string> serverArguments)
    {
        Password = password;
        _binary = binary;
        _serverArguments = serverArguments;
    }

    /// <summary>The password of every user, on the servers and on the Sentinel.</summary>
    public string Password { get; }

    public RedisProcess Primary { get; private set; } = null!;

    public RedisProcess Replica { get; private set; } = null!;

    public SentinelProcess Sentinel { get; private set; } = null!;

    /// <summary>The connection string a silo would use: the Sentinel and the service name.</summary>
    public string ConnectionString(string user = "popupstore") =>
        $"127.0.0.1:{Sentinel.Port},serviceName={ServiceName},user={user},password={Password}";

    /// <param name="binary">redis-server for the servers and the Sentinel; null: Debian's on PATH.</param>
    /// <param name="extraServerArguments">more options for both servers, after the shipped ones (e.g. modules).</param>
    public static async Task<SentinelPair> StartAsync(string? binary = null, IEnumerable<string>? extraServerArguments = null)
    {
        var password = "test-only-pw-" + Guid.NewGuid().ToString("N");
        List<string> arguments = [.. ShippedUsers(password), "--include", Repository.PathOf("redis/replication.conf"), "--masterauth", password];
        arguments.AddRange(extraServerArguments ?? []);
        var pair = new SentinelPair(password, binary, arguments);
        try
        {
            pair.Primary = await RedisProcess.StartAsync(password: password, binary: binary, extraArguments: arguments);
            pair.Replica = await RedisProcess.StartAsync(
                password: password, binary: binary,
                extraArguments: [.. arguments, "--replicaof", "127.0.0.1", pair.Primary.Port.ToString(CultureInfo.InvariantCulture)]);
            pair.Sentinel = await SentinelProcess.StartAsync(pair.Primary.Port, password, ServiceName, quorum: 1, binary: binary);
            await pair.WaitUntilReplicatedAsync(pair.Replica, TimeSpan.FromSeconds(60));
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>The primary's port as the Sentinel reports it.</summary>
    public async Task<int?> PrimaryPortAsync()
    {
        await using var sentinel = await ConnectSentinelAsync();
        var address = await sentinel.GetServer(IPAddress.Loopback, Sentinel.Port).SentinelGetMasterAddressByNameAsync(ServiceName);
        return (address as IPEndPoint)?.Port;
    }

    /// <summary>
    /// kill -9 of the primary, then waits until the Sentinel names the replica as primary and the replica says
    /// it is one. Returns how long that took. The old primary stays dead; <see cref="Primary"/> becomes the
    /// promoted server and <see cref="Replica"/> the dead one.
    /// </summary>
    public async Task<TimeSpan> KillPrimaryAndWaitForPromotionAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        await Primary.KillAsync();
        await using var sentinel = await ConnectSentinelAsync();
        await using var promoted = await Replica.ConnectAsync();
        while (true)
        {
            var address = await sentinel.GetServer(IPAddress.Loopback, Sentinel.Port).SentinelGetMasterAddressByNameAsync(ServiceName);
            if ((address as IPEndPoint)?.Port == Replica.Port && await RoleAsync(promoted) == "master")
            {
                (Primary, Replica) = (Replica, Primary);
                return DateTime.UtcNow - started;
            }

            if (DateTime.UtcNow - started > timeout)
            {
                throw new TimeoutException($"the Sentinel did not promote the replica on port {Replica.Port} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Sentinel is not null)
        {
            await Sentinel.DisposeAsync();
        }

        if (Replica is not null)
        {
            await Replica.DisposeAsync();
        }

        if (Primary is not null)
        {
            await Primary.DisposeAsync();
        }
    }

    /// <summary>
    /// The users of redis/users.acl.template, rendered as redis/entrypoint.sh renders them. The default user
    /// stays on with the same password, for the tests' own admin connections. The pair runs without modules
    /// (gears/tests runs this topology with them), so the rules for module commands are left out: Redis
    /// refuses to start on a rule naming a command it does not know.
    /// </summary>
    private static IEnumerable<string> ShippedUsers(string password)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        foreach (var line in File.ReadLines(Repository.PathOf("redis/users.acl.template")))
        {
            if (line.StartsWith("user ", StringComparison.Ordinal) && !line.StartsWith("user default ", StringComparison.Ordinal))
            {
                // One argument per word: redis-server quotes an argument that holds spaces.
                yield return "--user";
                foreach (var word in line["user ".Length..].Replace("${REDIS_PASSWORD_SHA256}", hash, StringComparison.Ordinal)
                             .Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!word.StartsWith("+ts.", StringComparison.Ordinal) && !word.StartsWith("+rg.", StringComparison.Ordinal))
                    {
                        yield return word;
                    }
                }
            }
        }
    }

    private static async Task<string?> RoleAsync(IConnectionMultiplexer redis)
    {
        try
        {
            var role = (RedisResult[]?)await redis.GetDatabase().ExecuteAsync("ROLE");
            return role is { Length: > 0 } ? (string?)role[0] : null;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            return null;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectSentinelAsync()
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, Sentinel.Port } },
            CommandMap = CommandMap.Sentinel,
            User = "sentinel",
            Password = Password,
            AbortOnConnectFail = false,
            ClientName = "popupstore-tests",
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The replica has synced and the Sentinel lists it as a replica it could promote.</summary>
    private async Task WaitUntilReplicatedAsync(RedisProcess replica, TimeSpan timeout)
    {
        await using var sentinel = await ConnectSentinelAsync();
        await using var redis = await replica.ConnectAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var info = (string?)await redis.GetDatabase().ExecuteAsync("INFO", "replication") ?? string.Empty;
            var replicas = await sentinel.GetServer(IPAddress.Loopback, Sentinel.Port).SentinelReplicasAsync(ServiceName);
            var known = replicas.Any(r =>
                r.FirstOrDefault(kv => kv.Key == "port").Value == replica.Port.ToString(CultureInfo.InvariantCulture)
                && r.FirstOrDefault(kv => kv.Key == "flags").Value == "slave");
            if (info.Contains("master_link_status:up", StringComparison.Ordinal) && known)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the replica on port {replica.Port} did not sync, or the Sentinel did not list it, within {timeout.TotalSeconds:0} s.");
    }
}
