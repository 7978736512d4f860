using System.Net;
using System.Net.Sockets;

namespace PopupStore.LoadClient.Load.Http;

/// <summary>
/// One HTTP/1.1 connection to a storefront, used for one request at a time and kept open between them, as a proxy's
/// pooled connection to a silo is. Connects on first use and again after the server ends the connection.
/// </summary>
public sealed class KeepAliveConnection(DnsEndPoint server, TimeSpan connectTimeout, TimeSpan answerTimeout) : IDisposable
{
    private CancellationTokenSource _deadline = new();
    private Socket? _socket;
    private ResponseReader? _reader;

    /// <summary>Sends one request and reads its whole response. Throws <see cref="HttpRequestException"/> when there is none.</summary>
    public async ValueTask<StoreResponse> ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reused = _socket is not null;
            try
            {
                if (_socket is null)
                {
                    await ConnectAsync();
                }

                _deadline.CancelAfter(answerTimeout);
                await SendAllAsync(_socket!, request, _deadline.Token);
                var (response, keepAlive) = await _reader!.ReadAsync(_deadline.Token);
                if (!keepAlive)
                {
                    Close();
                }

                return response;
            }
            catch (Exception ex) when (ex is SocketException or IOException && reused && attempt == 1 && !_reader!.Started)
            {
                // A kept connection the server had closed while it idled: nothing of an answer came, so the request goes
                // once more on a new connection, as a browser or proxy would send it.
                Close();
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                var why = ex is not OperationCanceledException ? ex.Message
                    : _socket is null ? $"not connected within {connectTimeout.TotalSeconds:0} s"
                    : $"no complete answer within {answerTimeout.TotalSeconds:0} s";
                Close();
                throw new HttpRequestException($"{server.Host}:{server.Port}: {why}", ex);
            }
            finally
            {
                if (!_deadline.TryReset())
                {
                    // It fired: the reused token source is spent.
                    _deadline.Dispose();
                    _deadline = new CancellationTokenSource();
                }
            }
        }
    }

    private async ValueTask ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(connectTimeout);
            await socket.ConnectAsync(server, timeout.Token);
            _socket = socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _reader = new ResponseReader((buffer, cancellation) => socket.ReceiveAsync(buffer, SocketFlags.None, cancellation));
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken cancellation)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, cancellation)..];
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose()
    {
        Close();
        _deadline.Dispose();
    }
}
