using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using PopupStore.LoadClient.Load.Http;
using PopupStore.LoadClient.Report;

namespace PopupStore.LoadClient.Load;

/// <summary>
/// Buyers through the storefront (<c>run --via http</c>): POST /api/orders to the given storefronts in turn, each
/// over its own pool of keep-alive connections (<see cref="KeepAlivePool"/>), following a 202's Location until the
/// answer. Latency is what a buyer sees: from placing the order to holding the answer, time waiting for a free
/// connection included. A lost connection, a 502 or a 503 sends the same order id again, which the storefront never takes twice.
/// </summary>
public sealed class StorefrontClient : IAsyncDisposable
{
    private const int Attempts = 4;
    private static readonly TimeSpan FollowFor = TimeSpan.FromMinutes(2);

    private readonly KeepAlivePool[] _pools;
    private readonly bool _addressPerBuyer;
    private readonly LongHistogram _latency = new(TimeSpan.FromHours(1).Ticks / TimeSpan.TicksPerMillisecond, 3);
    private int _next = -1;
    private long _answered;
    private long _followed;
    private long _refused;
    private long _failed;

    public StorefrontClient(StorefrontTarget target)
    {
        _pools = [.. target.Urls.Select(url => new KeepAlivePool(url, target.ConnectionsPerAddress))];
        _addressPerBuyer = target.AddressPerBuyer;
    }

    /// <summary>Parses <c>--url</c>: one or more absolute http addresses, comma separated; null when one is not.</summary>
    public static IReadOnlyList<Uri>? ParseUrls(string? text)
    {
        var urls = new List<Uri>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
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
        var forwardedFor = _addressPerBuyer ? AddressOf(customerId) : null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var pool = _pools[(int)((uint)Interlocked.Increment(ref _next) % (uint)_pools.Length)];
            try
            {
                var response = await pool.SendAsync(StoreRequests.PlaceOrder(pool.Authority, orderId, customerId, forwardedFor), cancellation);
                switch (response.Status)
                {
                    case 200:
                        Record(started, ref _answered);
                        return true;
                    case 202 when response.Location is { } location:
                        switch (await FollowAsync(pool, location, forwardedFor, cancellation))
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
                    case 429:
                        Interlocked.Increment(ref _refused);
                        return false;
                    case 502 or 503:
                        // 502: a proxy found no silo to take it.
                        await Task.Delay((response.RetryAfter ?? TimeSpan.FromSeconds(1)) * attempt, cancellation);
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

    private async Task<Followed> FollowAsync(KeepAlivePool pool, string location, string? forwardedFor, CancellationToken cancellation)
    {
        // The storefront names its own path; it is asked on the same storefront.
        var path = new Uri(pool.Address, location).PathAndQuery;
        var deadline = DateTime.UtcNow + FollowFor;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellation);
            try
            {
                var response = await pool.SendAsync(StoreRequests.Follow(pool.Authority, path, forwardedFor), cancellation);
                if (response.Status == 200)
                {
                    return Followed.Answered;
                }

                if (response.Status == 404)
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

    private void Record(long started, ref long counter)
    {
        Interlocked.Increment(ref counter);
        var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        lock (_latency)
        {
            _latency.RecordValue(Math.Min(ms, _latency.HighestTrackableValue));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools)
        {
            await pool.DisposeAsync();
        }
    }

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
