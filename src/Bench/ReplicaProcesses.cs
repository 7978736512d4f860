using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace PopupStore.Bench;

/// <summary>
/// Replicas of the benchmark's Redis, started for one measure and stopped after it, so the rows around it run on a
/// lone primary. They run the primary's own server command (modules included: a replica loads the primary's module
/// data), on loopback ports of their own, without persistence.
/// </summary>
public sealed class ReplicaProcesses : IAsyncDisposable
{
    private readonly List<(Process Process, string Directory)> _replicas = [];
    private ConnectionMultiplexer? _first;
    private int _port;

    private ReplicaProcesses()
    {
    }

    public static async Task<ReplicaProcesses> StartAsync(
        IConnectionMultiplexer primary, string serverCommand, int primaryPort, int count, TimeSpan timeout)
    {
        var words = serverCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var replicas = new ReplicaProcesses();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var directory = Directory.CreateTempSubdirectory("popupstore-bench-replica-").FullName;
                var port = LoopbackPorts.Free();
                var start = new ProcessStartInfo(words[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var word in words.Skip(1))
                {
                    start.ArgumentList.Add(word);
                }

                foreach (var word in new[]
                {
                    "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
                    "--save", string.Empty, "--appendonly", "no", "--replicaof", "127.0.0.1", primaryPort.ToString(CultureInfo.InvariantCulture),
                })
                {
                    start.ArgumentList.Add(word);
                }

                var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {words[0]}");
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                replicas._replicas.Add((process, directory));
                if (i == 0)
                {
                    replicas._port = port;
                }
            }

            await WaitOnlineAsync(primary, count, timeout);
            // A replica still loading what it was sent refuses connections' handshakes for a moment: keep retrying.
            replicas._first = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{replicas._port},allowAdmin=true,abortConnect=false");
            return replicas;
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
    }

    /// <summary>The CPU the replicas have used so far, together (they share the machine's cores with what is measured).</summary>
    public TimeSpan CpuTime()
    {
        var total = TimeSpan.Zero;
        foreach (var (process, _) in _replicas)
        {
            process.Refresh();
            total += process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }

        return total;
    }

    /// <summary>
    /// The first replica's own time by command (INFO commandstats): what applying the replication stream costs it. Null
    /// when the replica cannot tell now: the figure is for the log and never fails a measure.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (long Calls, long Microseconds)>?> CommandStatsAsync()
    {
        try
        {
            return await CommandStats.ReadServerAsync(_first!.GetServer(_first.GetEndPoints()[0]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_first is { } first)
        {
            await first.DisposeAsync();
            _first = null;
        }

        foreach (var (process, directory) in _replicas)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
            Directory.Delete(directory, recursive: true);
        }

        _replicas.Clear();
    }

    private static async Task WaitOnlineAsync(IConnectionMultiplexer primary, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var online = (await RedisInfo.ReadAsync(primary, "replication")).Count(line =>
                line.Name.StartsWith("slave", StringComparison.Ordinal) && line.Value.Contains("state=online", StringComparison.Ordinal));
            if (online >= count)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{online} of {count} replicas came online within {timeout}");
            }

            await Task.Delay(100);
        }
    }
}
