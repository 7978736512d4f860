using PopupStore.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using PopupStore.Bench;

namespace PopupStore.FaultTests.Infrastructure;

/// <summary>
/// One of the product's own executables (PopupStore.Silo.dll, PopupStore.LoadClient.dll) run with
/// <c>dotnet</c> from the test output folder, where the project references put them.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private AppProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyCollection<string> StandardOutput => _stdout;

    public IReadOnlyCollection<string> StandardError => _stderr;

    public static string PathOf(string assembly)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assembly);
        if (!File.Exists(path) || !File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{assembly} or its runtimeconfig is missing from {AppContext.BaseDirectory}; the project reference should copy them.");
        }

        return path;
    }

    public static AppProcess Start(string assembly, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? arguments = null, string? name = null)
    {
        // The product's own launcher: its working folder, redirected streams and clean environment, as the benchmark's.
        var start = SiloLaunch.StartInfo(PathOf(assembly), isolated: true);
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {assembly} did not start.");
        process.StandardInput.Close();
        var app = new AppProcess(process, name ?? Path.GetFileNameWithoutExtension(assembly));
        process.OutputDataReceived += (_, e) => app.Keep(app._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(app._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>kill -9, as a crash or an OOM kill would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM, as docker stop sends; the host shuts down gracefully.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        Signals.Send(_process.Id, Signals.Term);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            Kill();
            await _process.WaitForExitAsync();
            return false;
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:{Environment.NewLine}{Tail()}");
        }

        // WaitForExitAsync also waits for the redirected streams to reach end of file.
        return _process.ExitCode;
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40) =>
        string.Join(Environment.NewLine, _stdout.TakeLast(lines).Concat(_stderr.TakeLast(lines).Select(l => "stderr: " + l)));

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        while (lines.Count > 2000 && lines.TryDequeue(out _))
        {
        }
    }
}
