using System.Diagnostics;
using System.Globalization;

namespace PopupStore.Bench;

/// <summary>Silo processes on loopback for one measurement, each with ports of its own.</summary>
public sealed class SiloProcesses : IAsyncDisposable
{
    private readonly List<(Process Process, string Health)> _silos = [];

    private SiloProcesses()
    {
    }

    public IReadOnlyList<Process> Processes => _silos.Select(s => s.Process).ToList();

    /// <summary>Each silo's HTTP address (its storefront).</summary>
    public IReadOnlyList<Uri> Storefronts => _silos.Select(s => new Uri(s.Health.Replace("/health", "/", StringComparison.Ordinal))).ToList();

    public static async Task<SiloProcesses> StartAsync(
        string siloDll, int count, string redis, string clusterId, IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var silos = new SiloProcesses();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var http = LoopbackPorts.Free();
                var start = SiloLaunch.StartInfo(siloDll);
                var environment = SiloLaunch.Loopback(redis, LoopbackPorts.Free(), LoopbackPorts.Free(), http);
                environment["Orleans__ClusterId"] = clusterId;
                foreach (var (key, value) in environment.Concat(settings))
                {
                    start.Environment[key] = value;
                }

                var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a silo process");
                process.StandardInput.Close();
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                silos._silos.Add((process, $"http://127.0.0.1:{http}/health"));
            }

            await silos.WaitHealthyAsync(timeout);
            return silos;
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time all silos used so far (user + system).</summary>
    public TimeSpan CpuTime() => CpuTimes().Aggregate(TimeSpan.Zero, (sum, each) => sum + each);

    /// <summary>CPU time each silo used so far (user + system), in start order.</summary>
    public IReadOnlyList<TimeSpan> CpuTimes()
    {
        var times = new TimeSpan[_silos.Count];
        for (var i = 0; i < times.Length; i++)
        {
            var process = _silos[i].Process;
            process.Refresh();
            times[i] = process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }

        return times;
    }

    /// <summary>
    /// The silos' GC pause histograms added up (from each one's /metrics); null when one of them has none (a build
    /// before the histogram) or cannot be read, so a figure never covers only some of the silos.
    /// </summary>
    public async Task<GcPauses.Snapshot?> GcPausesAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var silos = new List<GcPauses.Snapshot>();
        foreach (var storefront in Storefronts)
        {
            try
            {
                if (GcPauses.Snapshot.Parse(await http.GetStringAsync(new Uri(storefront, "/metrics"))) is not { } snapshot)
                {
                    return null;
                }

                silos.Add(snapshot);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        return GcPauses.Snapshot.Add(silos);
    }

    /// <summary>Peak resident memory (VmHWM) of each silo, in MiB.</summary>
    public IReadOnlyList<double> PeakMemoryMiB() => _silos.Select(s => ReadStatus(s.Process, "VmHWM")).ToList();

    /// <summary>Current resident memory (VmRSS) of each silo, in MiB.</summary>
    public IReadOnlyList<double> MemoryMiB() => _silos.Select(s => ReadStatus(s.Process, "VmRSS")).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _silos)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        _silos.Clear();
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        foreach (var (process, health) in _silos)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"a silo exited with code {process.ExitCode} before it was healthy");
                }

                try
                {
                    using var response = await http.GetAsync(health);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet.
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"silo {health} was not healthy within {timeout.TotalSeconds:0} s");
                }

                await Task.Delay(250);
            }
        }
    }

    private static double ReadStatus(Process process, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kb / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
            // The process is gone or /proc is not there (not Linux).
        }

        return 0;
    }
}
