using System.Buffers.Text;
using System.Text;

namespace PopupStore.LoadClient.Load.Http;

/// <summary>
/// Reads HTTP/1.1 responses, one after another, from one connection: the status line, the headers a buyer needs,
/// then the body (Content-Length bytes, or chunked), which is skipped. A response whose body runs to the end of the
/// connection, or that says <c>Connection: close</c>, ends the connection's keep-alive.
/// </summary>
/// <param name="receive">Reads bytes from the connection into the buffer it is given; 0 when the peer closed it.</param>
public sealed class ResponseReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> receive)
{
    /// <summary>The largest status line and header block read; a storefront's are a few hundred bytes.</summary>
    public const int MaxHeaderBytes = 8 * 1024;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

    private static readonly string HeadersTooLong = $"The response's headers are larger than {MaxHeaderBytes} bytes.";
    private const string ChunkLineTooLong = "A chunk header of the response is too long.";

    private readonly byte[] _buffer = new byte[MaxHeaderBytes];
    private int _start;
    private int _end;

    /// <summary>True once any byte of the current response has arrived: a request that failed before then never had an answer.</summary>
    public bool Started { get; private set; }

    /// <summary>Reads the next whole response. Throws <see cref="IOException"/> when the connection ends first or the response is malformed.</summary>
    public async ValueTask<(StoreResponse Response, bool KeepAlive)> ReadAsync(CancellationToken cancellation)
    {
        Started = _end > _start;
        while (true)
        {
            var headerLength = await LengthBeforeAsync(HeaderEnd, HeadersTooLong, cancellation);
            var head = ParseHead(_buffer.AsSpan(_start, headerLength));
            _start += headerLength + HeaderEnd.Length;
            if (head.Status is >= 100 and < 200)
            {
                // An interim response (100 Continue): the real one follows.
                continue;
            }

            var keepAlive = head.KeepAlive;
            if (head.Status is 204 or 304)
            {
                // No body, whatever the headers say.
            }
            else if (head.Chunked)
            {
                await SkipChunkedAsync(cancellation);
            }
            else if (head.ContentLength is { } length)
            {
                await SkipAsync(length, cancellation);
            }
            else
            {
                await SkipToCloseAsync(cancellation);
                keepAlive = false;
            }

            return (new StoreResponse(head.Status, head.Location, head.RetryAfter), keepAlive);
        }
    }

    /// <summary>How many bytes from the read position come before <paramref name="end"/>, reading until it arrives.</summary>
    private async ValueTask<int> LengthBeforeAsync(byte[] end, string tooLong, CancellationToken cancellation)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(end);
            if (at >= 0)
            {
                return at;
            }

            if (_end - _start == _buffer.Length)
            {
                throw new IOException(tooLong);
            }

            await FillAsync(cancellation);
        }
    }

    private async ValueTask SkipChunkedAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var lineLength = await LengthBeforeAsync(LineEnd, ChunkLineTooLong, cancellation);
            var line = _buffer.AsSpan(_start, lineLength);
            var extension = line.IndexOf((byte)';');
            var size = (extension >= 0 ? line[..extension] : line).Trim((byte)' ');
            if (!Utf8Parser.TryParse(size, out long chunk, out var used, 'x') || used != size.Length || used == 0 || chunk < 0)
            {
                throw new IOException($"A chunk size of the response is not a number: '{Encoding.ASCII.GetString(line)}'.");
            }

            _start += lineLength + LineEnd.Length;
            if (chunk == 0)
            {
                // Trailer fields, if any, up to an empty line.
                while ((lineLength = await LengthBeforeAsync(LineEnd, ChunkLineTooLong, cancellation)) > 0)
                {
                    _start += lineLength + LineEnd.Length;
                }

                _start += LineEnd.Length;
                return;
            }

            await SkipAsync(chunk + LineEnd.Length, cancellation);
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellation)
    {
        while (true)
        {
            var taken = (int)Math.Min(count, _end - _start);
            _start += taken;
            count -= taken;
            if (count == 0)
            {
                return;
            }

            await FillAsync(cancellation);
        }
    }

    private async ValueTask SkipToCloseAsync(CancellationToken cancellation)
    {
        _start = _end = 0;
        while (await receive(_buffer, cancellation) > 0)
        {
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellation)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await receive(_buffer.AsMemory(_end), cancellation);
        if (read == 0)
        {
            throw new IOException("The server closed the connection before the response was complete.");
        }

        _end += read;
        Started = true;
    }

    private static Head ParseHead(ReadOnlySpan<byte> block)
    {
        var lineEnd = block.IndexOf(LineEnd);
        var statusLine = lineEnd >= 0 ? block[..lineEnd] : block;
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3)
        {
            throw new IOException($"Not an HTTP/1.x status line: '{Encoding.ASCII.GetString(statusLine)}'.");
        }

        var head = new Head { Status = status, KeepAlive = statusLine[7] == (byte)'1' };
        var rest = lineEnd >= 0 ? block[(lineEnd + LineEnd.Length)..] : [];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(LineEnd);
            var line = end >= 0 ? rest[..end] : rest;
            rest = end >= 0 ? rest[(end + LineEnd.Length)..] : [];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var digits) || digits != value.Length || length < 0)
                {
                    throw new IOException($"The response's Content-Length is not a number: '{Encoding.ASCII.GetString(value)}'.");
                }

                head.ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // The last coding is the one that frames the body.
                head.Chunked = Ascii.EqualsIgnoreCase(LastToken(value), "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "location"u8))
            {
                head.Location = Encoding.UTF8.GetString(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "retry-after"u8))
            {
                head.RetryAfter = Utf8Parser.TryParse(value, out int seconds, out var digits) && digits == value.Length && seconds >= 0
                    ? TimeSpan.FromSeconds(seconds)
                    : null;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                if (HasToken(value, "close"u8))
                {
                    head.KeepAlive = false;
                }
                else if (HasToken(value, "keep-alive"u8))
                {
                    head.KeepAlive = true;
                }
            }
        }

        return head;
    }

    private static ReadOnlySpan<byte> LastToken(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        return (comma >= 0 ? value[(comma + 1)..] : value).Trim((byte)' ');
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim((byte)' '), token))
            {
                return true;
            }
        }

        return false;
    }

    private struct Head
    {
        public int Status;
        public bool KeepAlive;
        public bool Chunked;
        public long? ContentLength;
        public string? Location;
        public TimeSpan? RetryAfter;
    }
}
