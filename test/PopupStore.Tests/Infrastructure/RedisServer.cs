using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace PopupStore.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port, in a folder of its own. Tests never mock Redis:
/// what they check (atomic scripts, streams, consumer groups) is Redis behaviour.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port, string directory, string? password)
    {
        _process = process;
        Port = port;
        Directory = directory;
        Password = password;
    }

    public int Port { get; }

    public string Directory { get; }

    public string? Password { get; }

    public string ConnectionString =>
        Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync(string? password = null, int? port = null, string? directory = null, params string[] extraArguments)
    {
        var binary = FindRedisServer()
            ?? throw new InvalidOperationException("redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does).");
        port ??= FreePort();
        directory ??= System.IO.Directory.CreateTempSubdirectory("popupstore-redis-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", string.Empty, "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        if (password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(password);
        }

        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port.Value, directory, password);
        await server.WaitUntilReadyAsync();
        return server;
    }

    public async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Kills the process at once, as a crash would (no save, no clean shutdown).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server on port {Port} did not accept connections.");
    }

    private static string? FindRedisServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
