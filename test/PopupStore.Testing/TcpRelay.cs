using System.Net;
using System.Net.Sockets;

namespace PopupStore.Testing;

/// <summary>
/// A loopback TCP relay in front of one port, so a test can stall a link without touching either end: while
/// paused it reads nothing from either side, so what a peer sends stays in its own socket buffers and nothing new
/// crosses (a stalled network path). <see cref="Cut"/> drops every connection without forwarding what was held,
/// as a partition that never heals would.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _connections = [];
    private TaskCompletionSource _flowing = NewFlowing(open: true);

    private TcpRelay(TcpListener listener, int target)
    {
        _listener = listener;
        _target = target;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The port peers connect to instead of the target's.</summary>
    public int Port { get; }

    public bool Paused => !_flowing.Task.IsCompleted;

    public static TcpRelay Start(int targetPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new TcpRelay(listener, targetPort);
    }

    /// <summary>Stops forwarding both ways; connections stay open.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = NewFlowing(open: false);
            }
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _flowing.TrySetResult();
        }
    }

    /// <summary>Resets every relayed connection (what the relay held is dropped); new ones are still accepted.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            foreach (var connection in _connections)
            {
                connection.Client.LingerState = new LingerOption(true, 0);
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        Cut();
        _stop.Dispose();
    }

    private static TaskCompletionSource NewFlowing(bool open)
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            flowing.SetResult();
        }

        return flowing;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient { NoDelay = true };
        inbound.NoDelay = true;
        lock (_gate)
        {
            _connections.Add(inbound);
            _connections.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            await Task.WhenAny(PumpAsync(inbound, outbound), PumpAsync(outbound, inbound));
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            // One side closing closes the other, as a direct connection would.
            lock (_gate)
            {
                _connections.Remove(inbound);
                _connections.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                // Waiting before the read (not after) is what holds new bytes in the sender's buffers while paused.
                await WaitFlowingAsync();
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                // Bytes read just as the pause began are held here, not delivered, until resumed.
                await WaitFlowingAsync();
                await sink.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }

    private Task WaitFlowingAsync()
    {
        Task flowing;
        lock (_gate)
        {
            flowing = _flowing.Task;
        }

        return flowing.WaitAsync(_stop.Token);
    }
}
