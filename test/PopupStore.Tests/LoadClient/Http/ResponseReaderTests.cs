using System.Text;
using PopupStore.LoadClient.Load.Http;

namespace PopupStore.Tests.LoadClient.Http;

/// <summary>
/// The storefront crowd's response parsing, fed the bytes a server sends, cut into pieces of every size: a
/// connection delivers a response in whatever pieces the network makes.
/// </summary>
public sealed class ResponseReaderTests
{
    private const string Json = """{"order":"o1","customer":"c1","outcome":"complete","detail":"One unit is yours.","latencyMs":3}""";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(4096)]
    public async Task Responses_with_a_length_and_chunked_follow_each_other_on_one_connection(int piece)
    {
        var chunked = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + $"{Json.Length - 10:x}\r\n{Json[..^10]}\r\n a ; ext=1\r\n{Json[^10..]}\r\n0\r\n\r\n";
        var sized = $"HTTP/1.1 202 Accepted\r\ncontent-length: {Json.Length}\r\nLOCATION: /api/orders/o1?customer=c1\r\n\r\n{Json}";
        var limited = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n";
        var reader = Reader(piece, chunked + sized + limited);

        var first = await reader.ReadAsync(CancellationToken.None);
        var second = await reader.ReadAsync(CancellationToken.None);
        var third = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal((new StoreResponse(200, null, null), true), first);
        Assert.Equal((new StoreResponse(202, "/api/orders/o1?customer=c1", null), true), second);
        Assert.Equal((new StoreResponse(429, null, TimeSpan.FromSeconds(3)), true), third);
        await Assert.ThrowsAsync<IOException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Chunked_trailers_are_skipped_and_the_next_response_is_read()
    {
        var reader = Reader(5, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n"
            + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\nContent-Length: 2\r\n\r\nno");

        Assert.Equal(200, (await reader.ReadAsync(CancellationToken.None)).Response.Status);
        Assert.Equal((new StoreResponse(503, null, null), true), await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Connection_close_and_a_body_to_the_end_of_the_connection_end_keep_alive()
    {
        var closing = await Reader(7, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok").ReadAsync(CancellationToken.None);
        var toTheEnd = await Reader(7, "HTTP/1.1 200 OK\r\n\r\nthe body runs to the close").ReadAsync(CancellationToken.None);
        var old = await Reader(7, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").ReadAsync(CancellationToken.None);
        var oldKept = await Reader(7, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").ReadAsync(CancellationToken.None);

        Assert.False(closing.KeepAlive);
        Assert.False(toTheEnd.KeepAlive);
        Assert.False(old.KeepAlive);
        Assert.True(oldKept.KeepAlive);
    }

    [Fact]
    public async Task An_interim_100_continue_is_passed_over()
    {
        var reader = Reader(9, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        Assert.Equal(200, (await reader.ReadAsync(CancellationToken.None)).Response.Status);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "before the response was complete")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "Content-Length is not a number")]
    [InlineData("SMTP ready\r\n\r\n", "Not an HTTP/1.x status line")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n", "Not an HTTP/1.x status line")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "before the response was complete")]
    public async Task A_cut_or_malformed_response_is_an_IOException_that_names_the_fault(string bytes, string expected)
    {
        var error = await Assert.ThrowsAsync<IOException>(() => Reader(4, bytes).ReadAsync(CancellationToken.None).AsTask());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_larger_than_the_buffer_are_refused_instead_of_read_forever()
    {
        var huge = "HTTP/1.1 200 OK\r\nX-Padding: " + new string('p', ResponseReader.MaxHeaderBytes) + "\r\n\r\n";

        var error = await Assert.ThrowsAsync<IOException>(() => Reader(512, huge).ReadAsync(CancellationToken.None).AsTask());

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Started_tells_whether_any_byte_of_the_answer_came()
    {
        var silent = Reader(4, string.Empty);
        var cut = Reader(4, "HTTP/1.1 2");

        await Assert.ThrowsAsync<IOException>(() => silent.ReadAsync(CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<IOException>(() => cut.ReadAsync(CancellationToken.None).AsTask());

        Assert.False(silent.Started);
        Assert.True(cut.Started);
    }

    /// <summary>A reader over the bytes, handed out at most <paramref name="piece"/> at a time, then 0 (closed).</summary>
    private static ResponseReader Reader(int piece, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var at = 0;
        return new ResponseReader((buffer, _) =>
        {
            var count = Math.Min(Math.Min(piece, buffer.Length), bytes.Length - at);
            bytes.AsSpan(at, count).CopyTo(buffer.Span);
            at += count;
            return ValueTask.FromResult(count);
        });
    }
}
