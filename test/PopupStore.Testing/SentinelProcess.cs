using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PopupStore.Testing;

/// <summary>
/// A Redis Sentinel started through the shipped redis/sentinel-entrypoint.sh and redis/sentinel.conf.template,
/// so the tests run the Sentinel configuration that compose and the stack rehearsal run.
/// </summary>
public sealed class SentinelProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SentinelProcess(int port, string directory, Process process)
    {
        Port = port;
        Directory = directory;
        _process = process;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <param name="serviceName">the name the Sentinel monitors the primary under (<c>serviceName=</c>).</param>
    /// <param name="binary">redis-server to run in Sentinel mode; null: Debian's on PATH.</param>
    public static async Task<SentinelProcess> StartAsync(
        int primaryPort, string password, string serviceName, int quorum = 1, string? binary = null)
    {
        var port = Ports.Free();
        var directory = System.IO.Directory.CreateTempSubdirectory("popupstore-sentinel-").FullName;
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.PathOf("redis/sentinel-entrypoint.sh"));
        start.Environment["REDIS_PASSWORD"] = password;
        start.Environment["PRIMARY_HOST"] = "127.0.0.1";
        start.Environment["PRIMARY_PORT"] = primaryPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["SENTINEL_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["SENTINEL_SERVICE_NAME"] = serviceName;
        start.Environment["SENTINEL_QUORUM"] = quorum.ToString(CultureInfo.InvariantCulture);
        start.Environment["SENTINEL_TEMPLATE"] = Repository.PathOf("redis/sentinel.conf.template");
        start.Environment["SENTINEL_DIR"] = directory;
        start.Environment["REDIS_SERVER"] = binary ?? "redis-server";

        // The entrypoint execs redis-server, so this process is the Sentinel itself.
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-sentinel did not start.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sentinel = new SentinelProcess(port, directory, process);
        await sentinel.WaitUntilReadyAsync(password, output);
        return sentinel;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(string password, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"redis-sentinel exited with code {_process.ExitCode} on port {Port}:\n{output}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                await using var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH sentinel {password}\r\nPING\r\n"));
                var answer = new StringBuilder();
                var buffer = new byte[256];
                while (!answer.ToString().Contains("PONG", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                    if (read == 0)
                    {
                        break;
                    }

                    answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                if (answer.ToString().Contains("PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-sentinel on port {Port} did not answer PING.");
    }
}
