using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PopupStore.LoadClient.Load.Http;

namespace PopupStore.Tests.LoadClient.Http;

/// <summary>The storefront crowd's connections, against a real socket server on loopback.</summary>
public sealed class KeepAlivePoolTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Fact]
    public async Task Requests_share_the_pools_connections_one_request_at_a_time_each()
    {
        await using var server = new TinyServer((_, _) => Ok, answerDelay: TimeSpan.FromMilliseconds(5));
        await using var pool = new KeepAlivePool(server.Address, 4);

        var answers = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(i => pool.SendAsync(StoreRequests.Follow(pool.Authority, $"/api/orders/o{i}?customer=c{i}", null), CancellationToken.None)));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal(60, server.Requests.Count);
        Assert.Equal(4, server.Connections);
        Assert.Equal(1, server.MostAtOnceOnOneConnection);
    }

    [Fact]
    public async Task A_kept_connection_the_server_closed_while_idle_is_replaced_and_the_request_answered()
    {
        // The server answers each connection's first request, then closes it without saying so in the response.
        await using var server = new TinyServer((_, _) => Ok, closeAfter: 1);
        await using var pool = new KeepAlivePool(server.Address, 1);

        var first = await pool.SendAsync(StoreRequests.Follow(pool.Authority, "/a", null), CancellationToken.None);
        await server.ClosedAsync(1);
        var second = await pool.SendAsync(StoreRequests.Follow(pool.Authority, "/b", null), CancellationToken.None);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(2, server.Connections);
        Assert.Equal(["GET /a", "GET /b"], server.Requests.Select(r => r[..r.IndexOf(" HTTP", StringComparison.Ordinal)]).Order());
    }

    [Fact]
    public async Task A_placed_order_reaches_the_server_as_json_with_its_length_host_and_forwarded_address()
    {
        await using var server = new TinyServer((_, _) => Ok);
        await using var pool = new KeepAlivePool(server.Address, 1);

        await pool.SendAsync(StoreRequests.PlaceOrder(pool.Authority, "o-\"1\"", "c-é", "10.1.2.3"), CancellationToken.None);

        var request = Assert.Single(server.Requests);
        var body = """{"customer":"c-\u00E9","order":"o-\u00221\u0022"}""";
        Assert.StartsWith($"POST /api/orders HTTP/1.1\r\nHost: {server.Address.Authority}\r\n", request, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-For: 10.1.2.3\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + body, request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_server_is_an_HttpRequestException_naming_the_address()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var pool = new KeepAlivePool(new Uri($"http://127.0.0.1:{port}"), 1);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => pool.SendAsync(StoreRequests.Follow(pool.Authority, "/", null), CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_the_request_after_the_answer_timeout_and_the_next_one_gets_through()
    {
        await using var server = new TinyServer((request, _) => request.Contains("/silent", StringComparison.Ordinal) ? null : Ok);
        await using var pool = new KeepAlivePool(server.Address, 1, answerTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => pool.SendAsync(StoreRequests.Follow(pool.Authority, "/silent", null), CancellationToken.None));
        var next = await pool.SendAsync(StoreRequests.Follow(pool.Authority, "/loud", null), CancellationToken.None);

        Assert.Contains("no complete answer within", error.Message, StringComparison.Ordinal);
        Assert.Equal(200, next.Status);
    }

    /// <summary>
    /// An HTTP/1.1 server of a few lines: reads each request's head and body, answers what <c>answer</c> returns for
    /// it (nothing when null), and closes a connection after <c>closeAfter</c> requests.
    /// </summary>
    private sealed class TinyServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<string, int, string?> _answer;
        private readonly int _closeAfter;
        private readonly TimeSpan _answerDelay;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private readonly List<Task> _serving = [];
        private int _connections;
        private int _closed;
        private int _mostAtOnce;

        public TinyServer(Func<string, int, string?> answer, int closeAfter = int.MaxValue, TimeSpan answerDelay = default)
        {
            (_answer, _closeAfter, _answerDelay) = (answer, closeAfter, answerDelay);
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
            _accepting = AcceptAsync();
        }

        public Uri Address { get; }

        public ConcurrentQueue<string> Requests { get; } = new();

        public int Connections => Volatile.Read(ref _connections);

        public int MostAtOnceOnOneConnection => Volatile.Read(ref _mostAtOnce);

        public async Task ClosedAsync(int count)
        {
            while (Volatile.Read(ref _closed) < count)
            {
                await Task.Delay(10);
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    lock (_serving)
                    {
                        _serving.Add(ServeAsync(client));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            var pending = new StringBuilder();
            var buffer = new byte[4096];
            var served = 0;
            try
            {
                while (served < _closeAfter)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    var complete = CompleteRequests(pending);
                    lock (_serving)
                    {
                        _mostAtOnce = Math.Max(_mostAtOnce, complete.Count);
                    }

                    foreach (var request in complete)
                    {
                        Requests.Enqueue(request);
                        served++;
                        if (_answerDelay > TimeSpan.Zero)
                        {
                            await Task.Delay(_answerDelay, _stop.Token);
                        }

                        if (_answer(request, served) is { } response)
                        {
                            await stream.WriteAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }
            finally
            {
                Interlocked.Increment(ref _closed);
            }
        }

        private static List<string> CompleteRequests(StringBuilder pending)
        {
            var complete = new List<string>();
            while (true)
            {
                var text = pending.ToString();
                var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (headEnd < 0)
                {
                    return complete;
                }

                var lengthAt = text.IndexOf("Content-Length: ", 0, headEnd, StringComparison.Ordinal);
                var length = lengthAt < 0 ? 0 : int.Parse(text[(lengthAt + 16)..text.IndexOf('\r', lengthAt)]);
                var end = headEnd + 4 + length;
                // The crowd's requests are ASCII: characters are bytes.
                if (text.Length < end)
                {
                    return complete;
                }

                complete.Add(text[..end]);
                pending.Remove(0, end);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            Task[] serving;
            lock (_serving)
            {
                serving = [.. _serving];
            }

            await Task.WhenAll(serving);
            _stop.Dispose();
        }
    }
}
