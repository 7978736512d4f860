using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Testing;

/// <summary>
/// One primary, two replicas and three Sentinels on loopback, as a retailer runs Redis for a sale. Each replica
/// reaches the primary through a <see cref="TcpRelay"/> of its own, so a test can stall replication while clients
/// still reach the primary directly. Servers keep their index for the whole test: <c>Servers[0]</c> starts as the
/// primary, and <see cref="PrimaryAsync"/> says which one is now.
/// </summary>
public sealed class ReplicatedRedis : IAsyncDisposable
{
    public const string ServiceName = "popupstore";

    private ReplicatedRedis(string version, bool gears, List<RedisProcess> servers, List<TcpRelay> relays, List<RedisProcess> sentinels)
    {
        Version = version;
        Gears = gears;
        Servers = servers;
        Relays = relays;
        Sentinels = sentinels;
    }

    /// <summary>"7" (Debian's) or "6.2" (6.2.6 from <see cref="RedisModules"/>).</summary>
    public string Version { get; }

    /// <summary>True when every server runs RedisGears and RedisTimeSeries.</summary>
    public bool Gears { get; }

    public IReadOnlyList<RedisProcess> Servers { get; }

    /// <summary>The relay replica <c>Servers[i + 1]</c> first replicated through.</summary>
    public IReadOnlyList<TcpRelay> Relays { get; }

    public IReadOnlyList<RedisProcess> Sentinels { get; }

    /// <summary>What the silos are given: the Sentinels and the service name (StackExchange.Redis syntax).</summary>
    public string ConnectionString =>
        string.Join(",", Sentinels.Select(s => $"127.0.0.1:{s.Port.ToString(CultureInfo.InvariantCulture)}")) + $",serviceName={ServiceName}";

    public static async Task<ReplicatedRedis> StartAsync(string version, bool gears = false)
    {
        var binary = version == "6.2" ? RedisModules.Server62 : null;
        List<string> common =
        [
            // A replica attaching (at start, or to a new primary) gets its copy at once instead of after diskless'
            // default 5 s gathering delay on 7.0.
            "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
        ];
        if (gears)
        {
            var modules = RedisModules.Directory;
            common.AddRange(
            [
                "--loadmodule", Path.Combine(modules, "redisgears.so"), "Plugin", Path.Combine(modules, "gears_python.so"),
                "PythonInstallationDir", modules,
                "--loadmodule", Path.Combine(modules, "redistimeseries.so"),
            ]);
        }

        List<RedisProcess> servers = [];
        List<TcpRelay> relays = [];
        List<RedisProcess> sentinels = [];
        var topology = new ReplicatedRedis(version, gears, servers, relays, sentinels);
        try
        {
            servers.Add(await RedisProcess.StartAsync(binary: binary, extraArguments: common));
            for (var i = 0; i < 2; i++)
            {
                var relay = TcpRelay.Start(servers[0].Port);
                relays.Add(relay);
                servers.Add(await RedisProcess.StartAsync(
                    binary: binary,
                    extraArguments: [.. common, "--replicaof", "127.0.0.1", relay.Port.ToString(CultureInfo.InvariantCulture)]));
            }

            for (var i = 0; i < 3; i++)
            {
                sentinels.Add(await RedisProcess.StartSentinelAsync(SentinelSettings.For(ServiceName, servers[0].Port), binary));
            }

            await topology.WaitReadyAsync(TimeSpan.FromSeconds(60));
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server the Sentinels name as primary now (asked of the first Sentinel that answers).</summary>
    public async Task<RedisProcess> PrimaryAsync()
    {
        foreach (var sentinel in Sentinels)
        {
            if (await MasterPortAsync(sentinel) is { } port)
            {
                return Servers.Single(s => s.Port == port);
            }
        }

        throw new InvalidOperationException("no Sentinel answered GET-MASTER-ADDR-BY-NAME");
    }

    /// <summary>
    /// Waits until every Sentinel that answers names a primary other than <paramref name="old"/> and that server says
    /// it is a master: the promotion is done as far as clients can see.
    /// </summary>
    public async Task<RedisProcess> WaitForPromotionAsync(RedisProcess old, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var named = new List<int?>();
            foreach (var sentinel in Sentinels)
            {
                named.Add(await MasterPortAsync(sentinel));
            }

            var answered = named.OfType<int>().Distinct().ToList();
            if (answered.Count == 1 && answered[0] != old.Port)
            {
                var promoted = Servers.Single(s => s.Port == answered[0]);
                if (await RoleAsync(promoted) == "master")
                {
                    return promoted;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no replica of {old.Port} was promoted within {timeout}: {await DescribeAsync()}");
    }

    /// <summary>Waits until <paramref name="server"/> reports <paramref name="role"/> ("master" or "slave").</summary>
    public static async Task WaitForRoleAsync(RedisProcess server, string role, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (await RoleAsync(server) != role)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"redis on {server.Port} is not {role} after {timeout}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>INFO replication's role, or null when the server does not answer.</summary>
    public static async Task<string?> RoleAsync(RedisProcess server) =>
        (await InfoAsync(server, "replication"))?.GetValueOrDefault("role");

    /// <summary>
    /// True while both replicas still replicate through their relays: Sentinel points a replica straight at the primary
    /// once it has been reading from another address for <see cref="SentinelSettings.FailoverTimeout"/>.
    /// </summary>
    public async Task<bool> ReplicatingThroughRelaysAsync()
    {
        // Looked at for a few seconds: under load one INFO can time out, or a link be caught reconnecting.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await AllThroughRelaysAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private async Task<bool> AllThroughRelaysAsync()
    {
        for (var i = 0; i < Relays.Count; i++)
        {
            var info = await InfoAsync(Servers[i + 1], "replication");
            if (info?.GetValueOrDefault("master_port") != Relays[i].Port.ToString(CultureInfo.InvariantCulture)
                || info.GetValueOrDefault("master_link_status") != "up")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stalls both replication links: the primary keeps taking writes, the replicas hear nothing.</summary>
    public void PauseReplication()
    {
        foreach (var relay in Relays)
        {
            relay.Pause();
        }
    }

    public void ResumeReplication()
    {
        foreach (var relay in Relays)
        {
            relay.Resume();
        }
    }

    /// <summary>Drops the stalled links and what they held (the writes never reach the replicas).</summary>
    public void CutReplication()
    {
        foreach (var relay in Relays)
        {
            relay.Cut();
        }
    }

    /// <summary>Runs gears/register.sh against the primary, as the compose registrar does.</summary>
    public async Task RegisterGearsAsync()
    {
        var primary = await PrimaryAsync();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.PathOf("gears/register.sh"));
        start.Environment["REDIS_HOST"] = "127.0.0.1";
        start.Environment["REDIS_PORT"] = primary.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["REDIS_USER"] = string.Empty;
        start.Environment["GEARS_WAIT_SECONDS"] = "30";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gears/register.sh exited {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>Who is primary, each server's role and link, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        var lines = new List<string>();
        foreach (var server in Servers)
        {
            var info = await InfoAsync(server, "replication");
            lines.Add(info is null
                ? $"{server.Port}: no answer"
                : $"{server.Port}: {info.GetValueOrDefault("role")} master={info.GetValueOrDefault("master_port")} link={info.GetValueOrDefault("master_link_status")} replicas={info.GetValueOrDefault("connected_slaves")}");
        }

        foreach (var sentinel in Sentinels)
        {
            lines.Add($"sentinel {sentinel.Port} names {(await MasterPortAsync(sentinel))?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
        }

        return string.Join("; ", lines);
    }

    /// <summary>The last lines of every Sentinel's log (elections, promotions, reconfigurations), for the test output.</summary>
    public string SentinelLogs(int lines = 30) =>
        string.Join(Environment.NewLine, Sentinels.Select(s =>
        {
            var log = Path.Combine(s.Directory, "sentinel.log");
            var text = File.Exists(log) ? File.ReadAllLines(log).TakeLast(lines) : ["(no log)"];
            return $"--- sentinel {s.Port}{Environment.NewLine}{string.Join(Environment.NewLine, text)}";
        }));

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in Sentinels)
        {
            await sentinel.DisposeAsync();
        }

        foreach (var relay in Relays)
        {
            await relay.DisposeAsync();
        }

        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// Every Sentinel knows both replicas and the other two Sentinels, and both replicas are in sync: before this,
    /// a failover could find no quorum or no replica to promote.
    /// </summary>
    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var ready = true;
            foreach (var sentinel in Sentinels)
            {
                var master = await SentinelMasterAsync(sentinel);
                ready &= master?.GetValueOrDefault("num-slaves") == "2" && master.GetValueOrDefault("num-other-sentinels") == "2";
            }

            foreach (var replica in Servers.Skip(1))
            {
                ready &= (await InfoAsync(replica, "replication"))?.GetValueOrDefault("master_link_status") == "up";
            }

            if (ready)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the replicated topology was not ready within {timeout}: {await DescribeAsync()}");
    }

    private static async Task<int?> MasterPortAsync(RedisProcess sentinel)
    {
        var reply = await SentinelCommandAsync(sentinel, "get-master-addr-by-name", ServiceName);
        return reply is { IsNull: false, Length: 2 } ? int.Parse((string)reply[1]!, CultureInfo.InvariantCulture) : null;
    }

    private static async Task<Dictionary<string, string>?> SentinelMasterAsync(RedisProcess sentinel)
    {
        var reply = await SentinelCommandAsync(sentinel, "master", ServiceName);
        if (reply is null || reply.IsNull || reply.Resp2Type != ResultType.Array)
        {
            return null;
        }

        var fields = (RedisResult[])reply!;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            map[(string)fields[i]!] = (string?)fields[i + 1] ?? string.Empty;
        }

        return map;
    }

    private static async Task<RedisResult?> SentinelCommandAsync(RedisProcess sentinel, params object[] arguments)
    {
        try
        {
            await using var connection = await ConnectOnceAsync(sentinel.Port, CommandMap.Sentinel);
            return await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("SENTINEL", arguments);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, string>?> InfoAsync(RedisProcess server, string section)
    {
        try
        {
            await using var connection = await ConnectOnceAsync(server.Port, CommandMap.Default);
            var text = (string?)await connection.GetServer(connection.GetEndPoints()[0]).ExecuteAsync("INFO", section) ?? string.Empty;
            return text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.Contains(':', StringComparison.Ordinal) && !l.StartsWith('#'))
                .Select(l => l.Split(':', 2))
                .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>A short-lived connection that fails fast: the server asked about may be dead or frozen.</summary>
    private static async Task<ConnectionMultiplexer> ConnectOnceAsync(int port, CommandMap commands)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            CommandMap = commands,
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 1000,
            SyncTimeout = 1000,
            AsyncTimeout = 1000,
            ConnectRetry = 1,
            TieBreaker = string.Empty,
            ClientName = "popupstore-tests",
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
