using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HdrHistogram;
using PopupStore.LoadClient.Report;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// Buyers through the storefront (<c>run --via http</c>): POST /api/orders to the given silos in turn over
/// pooled connections, following a 202's Location until the answer. Latency is what a buyer sees: from
/// sending the request to holding the answer. A lost connection or a 503 sends the same order id again,
/// which the storefront never takes twice.
/// </summary>
public sealed class StorefrontClient : IDisposable
{
    private const int Attempts = 4;
    private static readonly TimeSpan FollowFor = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;
    private readonly Uri[] _urls;
    private readonly bool _addressPerBuyer;
    private readonly LongHistogram _latency = new(TimeSpan.FromHours(1).Ticks / TimeSpan.TicksPerMillisecond, 3);
    private int _next = -1;
    private long _answered;
    private long _followed;
    private long _refused;
    private long _failed;

    public StorefrontClient(StorefrontTarget target)
    {
        _urls = [.. target.Urls];
        _addressPerBuyer = target.AddressPerBuyer;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Parses <c>--url</c>: one or more absolute http(s) addresses, comma separated; null when one is not.</summary>
    public static IReadOnlyList<Uri>? ParseUrls(string? text)
    {
        var urls = new List<Uri>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return null;
            }

            urls.Add(url);
        }

        return urls.Count > 0 ? urls : null;
    }

    public StorefrontSummary Summary()
    {
        lock (_latency)
        {
            return new StorefrontSummary(
                Interlocked.Read(ref _answered), Interlocked.Read(ref _followed), Interlocked.Read(ref _refused),
                Interlocked.Read(ref _failed), LatencySummary.From(_latency));
        }
    }

    /// <summary>True when the storefront took the order (it then has, or will have, an outcome); false when refused or failed.</summary>
    public async Task<bool> OrderAsync(string orderId, string customerId, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var url = _urls[(int)((uint)Interlocked.Increment(ref _next) % (uint)_urls.Length)];
            try
            {
                using var request = Request(HttpMethod.Post, new Uri(url, "/api/orders"), customerId);
                request.Content = OrderBody(orderId, customerId);
                using var response = await _http.SendAsync(request, cancellation);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        Record(started, ref _answered);
                        return true;
                    case HttpStatusCode.Accepted when response.Headers.Location is { } location:
                        switch (await FollowAsync(new Uri(url, location), customerId, cancellation))
                        {
                            case Followed.Answered:
                                Record(started, ref _followed);
                                return true;
                            case Followed.Unknown:
                                // Taken by a Redis primary that died before a replica had it: the order is gone, so
                                // it is sent again with the same id (docs/guarantees.md, "Across a Redis failover").
                                continue;
                            default:
                                Interlocked.Increment(ref _failed);
                                return true;
                        }
                    case HttpStatusCode.TooManyRequests:
                        Interlocked.Increment(ref _refused);
                        return false;
                    case HttpStatusCode.ServiceUnavailable:
                        await Task.Delay(RetryAfter(response) * attempt, cancellation);
                        continue;
                    default:
                        // 400: nothing was written.
                        Interlocked.Increment(ref _failed);
                        return false;
                }
            }
            catch (HttpRequestException) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellation);
            }
            catch (HttpRequestException)
            {
                break;
            }
        }

        // Taken or not is unknown: counted as a failure, which fails the run.
        Interlocked.Increment(ref _failed);
        return false;
    }

    private async Task<Followed> FollowAsync(Uri location, string customerId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + FollowFor;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellation);
            try
            {
                using var request = Request(HttpMethod.Get, location, customerId);
                using var response = await _http.SendAsync(request, cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Followed.Answered;
                }

                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return Followed.Unknown;
                }
            }
            catch (HttpRequestException)
            {
                // The silo may be gone; the next try may reach it again (or the proxy another one).
            }
        }

        return Followed.GaveUp;
    }

    private HttpRequestMessage Request(HttpMethod method, Uri url, string customerId)
    {
        var request = new HttpRequestMessage(method, url);
        if (_addressPerBuyer)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", AddressOf(customerId));
        }

        return request;
    }

    /// <summary>An address in 10.0.0.0/8 that is the same for a customer id in every run (FNV-1a of its characters).</summary>
    public static string AddressOf(string customerId)
    {
        var hash = 2166136261u;
        foreach (var c in customerId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return string.Create(CultureInfo.InvariantCulture, $"10.{(hash >> 16) & 255}.{(hash >> 8) & 255}.{hash & 255}");
    }

    // Sized like a browser's fetch of a string body: JsonContent would stream it chunked, which costs the silo
    // a chunked-body parse per order that no page makes it pay.
    private static ByteArrayContent OrderBody(string orderId, string customerId)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { customer = customerId, order = orderId }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);

    private void Record(long started, ref long counter)
    {
        Interlocked.Increment(ref counter);
        var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_latency)
        {
            _latency.RecordValue(Math.Min(ms, _latency.HighestTrackableValue));
        }
    }

    public void Dispose() => _http.Dispose();

    private enum Followed
    {
        Answered,
        Unknown,
        GaveUp,
    }
}

/// <summary>What the storefront answered a run: decided at once (200), decided after following a 202, refused (429), failed.</summary>
public sealed record StorefrontSummary(long Answered, long Followed, long Refused, long Failed, LatencySummary Latency)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"200 {Answered}, 202 followed to an answer {Followed}, 429 refused {Refused}, failed {Failed}");

}
