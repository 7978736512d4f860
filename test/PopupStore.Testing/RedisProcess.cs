using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace PopupStore.Testing;

/// <summary>
/// A real redis-server on a loopback port and a folder of its own that can be crashed (SIGKILL),
/// frozen (SIGSTOP) and started again on the same port and folder, so AOF recovery is Redis' own.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly string _binary;
    private Process _process;

    private RedisProcess(int port, string directory, string? password, string binary, string[] arguments, Process process)
    {
        _binary = binary;
        Port = port;
        Directory = directory;
        Password = password;
        _arguments = arguments;
        _process = process;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Password of the default user (--requirepass), or null.</summary>
    public string? Password { get; }

    public int Pid => _process.Id;

    public string ConnectionString => WithCredentials(null, Password);

    /// <summary>Connection string for another user (ACL) or a deliberately wrong password.</summary>
    public string WithCredentials(string? user, string? password)
    {
        var text = $"127.0.0.1:{Port}";
        if (user is not null)
        {
            text += $",user={user}";
        }

        return password is null ? text : text + $",password={password}";
    }

    /// <param name="appendFsync">null: no AOF (tests that never restart Redis); else everysec or always.</param>
    /// <param name="binary">the redis-server to run (e.g. <see cref="RedisModules.Server62"/>); null: Debian's on PATH.</param>
    /// <param name="extraArguments">more redis-server options, e.g. <c>--enable-protected-configs yes</c>.</param>
    public static async Task<RedisProcess> StartAsync(
        string? appendFsync = null, string? password = null, string? binary = null, IEnumerable<string>? extraArguments = null)
    {
        binary ??= FindOnPath();
        var port = Ports.Free();
        var directory = System.IO.Directory.CreateTempSubdirectory("popupstore-redis-").FullName;
        List<string> arguments = [];
        if (Repository.Found)
        {
            // The server settings every launcher ships (redis/popupstore.conf), so the tests run what ships.
            arguments.AddRange(["--include", Repository.PathOf("redis/popupstore.conf")]);
        }

        arguments.AddRange(
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
            "--save", string.Empty, "--daemonize", "no",
        ]);
        if (appendFsync is not null)
        {
            arguments.AddRange(["--appendonly", "yes", "--appendfsync", appendFsync]);
        }

        if (password is not null)
        {
            arguments.AddRange(["--requirepass", password]);
        }

        arguments.AddRange(extraArguments ?? []);

        var process = Launch(binary, arguments);
        var server = new RedisProcess(port, directory, password, binary, [.. arguments], process);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>
    /// A Sentinel (<c>redis-server &lt;file&gt; --sentinel</c>, which both versions accept) on a loopback port, with
    /// <paramref name="settings"/> (sentinel monitor ... lines) in a config file of its own: Sentinel rewrites it.
    /// </summary>
    public static async Task<RedisProcess> StartSentinelAsync(string settings, string? binary = null)
    {
        binary ??= FindOnPath();
        var port = Ports.Free();
        var directory = System.IO.Directory.CreateTempSubdirectory("popupstore-sentinel-").FullName;
        var file = Path.Combine(directory, "sentinel.conf");
        await File.WriteAllTextAsync(
            file,
            $"port {port.ToString(CultureInfo.InvariantCulture)}\nbind 127.0.0.1\ndir {directory}\ndaemonize no\nlogfile {Path.Combine(directory, "sentinel.log")}\n{settings}\n");
        string[] arguments = [file, "--sentinel"];
        var server = new RedisProcess(port, directory, null, binary, arguments, Launch(binary, arguments));
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>An admin connection that retries through restarts, like the silos' own.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        options.ClientName = "popupstore-tests";
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>kill -9: no fsync, no clean shutdown; what the AOF holds is what survives.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts redis-server again on the same port and folder (AOF is reloaded from there).</summary>
    public async Task RestartAsync(string? appendFsync = null)
    {
        await KillAsync();
        _process.Dispose();
        var arguments = _arguments.ToList();
        if (appendFsync is not null)
        {
            var at = arguments.IndexOf("--appendfsync");
            arguments[at + 1] = appendFsync;
        }

        _process = Launch(_binary, arguments);
        await WaitUntilReadyAsync();
    }

    /// <summary>Freezes the server: connections stay open, nothing is answered.</summary>
    public void Pause() => Signals.Send(_process.Id, Signals.Stop);

    public void Resume() => Signals.Send(_process.Id, Signals.Continue);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A frozen process still dies on SIGKILL, but resume first so nothing is left stopped.
            try
            {
                Resume();
            }
            catch (InvalidOperationException)
            {
            }
        }

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

    private static string FindOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `apt-get install -y redis-server`.");

    private static Process Launch(string binary, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        // Accepting connections is not enough after a restart: Redis answers LOADING while it replays the AOF.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
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
                await using var stream = client.GetStream();
                var ping = Password is null ? "PING\r\n" : $"AUTH {Password}\r\nPING\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(ping));
                var buffer = new byte[256];
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                if (Password is not null && !answer.Contains("PONG", StringComparison.Ordinal))
                {
                    read += await stream.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                    answer = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                }

                if (answer.Contains("PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING.");
    }
}
