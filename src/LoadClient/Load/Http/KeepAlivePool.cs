using System.Net;
using System.Threading.Channels;

namespace PopupStore.LoadClient.Load.Http;

/// <summary>
/// A fixed number of keep-alive connections to one storefront address, each sending one request at a time, with
/// the requests waiting in line for the next free connection: the shape of a proxy's pooled connections to a silo,
/// at a small fraction of a general HTTP client's CPU per request (the crowd shares the cores of what it measures).
/// </summary>
public sealed class KeepAlivePool : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultAnswerTimeout = TimeSpan.FromSeconds(60);

    private readonly Channel<Exchange> _queue = Channel.CreateUnbounded<Exchange>();
    private readonly Task[] _connections;

    /// <param name="address">The storefront's base address (http).</param>
    /// <param name="connections">Connections kept to it.</param>
    /// <param name="answerTimeout">How long a request waits for its whole response before it fails (60 s by default).</param>
    public KeepAlivePool(Uri address, int connections, TimeSpan? answerTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        Address = address;
        Authority = address.Authority;
        var server = new DnsEndPoint(address.IdnHost, address.Port);
        var timeout = answerTimeout ?? DefaultAnswerTimeout;
        _connections = [.. Enumerable.Range(0, connections).Select(_ => Task.Run(() => SendInTurnAsync(server, timeout)))];
    }

    /// <summary>The storefront's base address.</summary>
    public Uri Address { get; }

    /// <summary>The Host header of every request: host and port as the address gives them.</summary>
    public string Authority { get; }

    /// <summary>Sends a whole request (see <see cref="StoreRequests"/>) on the next free connection and returns its response.</summary>
    public Task<StoreResponse> SendAsync(byte[] request, CancellationToken cancellation)
    {
        var exchange = new Exchange(request);
        if (!_queue.Writer.TryWrite(exchange))
        {
            throw new ObjectDisposedException(nameof(KeepAlivePool));
        }

        return cancellation.CanBeCanceled ? exchange.Task.WaitAsync(cancellation) : exchange.Task;
    }

    private async Task SendInTurnAsync(DnsEndPoint server, TimeSpan answerTimeout)
    {
        using var connection = new KeepAliveConnection(server, ConnectTimeout, answerTimeout);
        var requests = _queue.Reader;
        while (await requests.WaitToReadAsync())
        {
            while (requests.TryRead(out var exchange))
            {
                try
                {
                    exchange.TrySetResult(await connection.ExchangeAsync(exchange.Request));
                }
                catch (Exception ex)
                {
                    // Whatever went wrong goes to the buyer waiting on it: a lost exchange would hang the crowd.
                    exchange.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>Lets the requests already in line finish, then closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_connections);
    }

    // Completed on the connection's own loop only after the response is read whole; the buyer's code runs elsewhere,
    // so the next request never waits on it.
    private sealed class Exchange(byte[] request) : TaskCompletionSource<StoreResponse>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public byte[] Request { get; } = request;
    }
}
