using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PopupStore.FaultTests.Infrastructure;

namespace PopupStore.FaultTests.Failover;

/// <summary>
/// Buyers on the storefront, one order each, spread over the silos. A buyer does what a browser page does: it posts,
/// follows a 202 to its answer, and when a silo or Redis does not answer it sends the same order id again (to the next
/// silo) until it is told an outcome. Every outcome a buyer was told is kept with when it was told.
/// </summary>
public sealed class StorefrontCrowd(IReadOnlyList<SiloProcess> silos, string prefix, Stopwatch clock)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    private readonly ConcurrentDictionary<string, Told> _told = new(StringComparer.Ordinal);

    /// <summary>Order id -> the outcome its buyer was told (a buyer stops at its first).</summary>
    public IReadOnlyDictionary<string, Told> TellsByOrder => _told;

    public string CustomerId(int i) => $"{prefix}-c{i}";

    public string OrderId(int i) => $"{prefix}-o{i}";

    /// <summary>Starts one buyer every <paramref name="every"/> and waits until each was told an outcome.</summary>
    public async Task RunAsync(int buyers, TimeSpan every)
    {
        var running = new List<Task>();
        for (var i = 0; i < buyers; i++)
        {
            var (customer, order, first) = (CustomerId(i), OrderId(i), i);
            running.Add(Task.Run(async () => _told[order] = await BuyAsync(customer, order, first)));
            await Task.Delay(every);
        }

        await Task.WhenAll(running);
    }

    /// <summary>Sends every order of this crowd again: order id -> the outcome told this time.</summary>
    public async Task<Dictionary<string, string>> ReplayAsync()
    {
        var orders = _told.Values.ToList();
        var answers = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (told, _) =>
            answers[told.Order] = (await BuyAsync(told.Customer, told.Order, told.Order.GetHashCode(StringComparison.Ordinal) & 0xffff)).Outcome);
        return new Dictionary<string, string>(answers, StringComparer.Ordinal);
    }

    private async Task<Told> BuyAsync(string customer, string order, int first)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; deadline.Elapsed < GiveUpAfter; attempt++)
        {
            var silo = silos[(first + attempt) % silos.Count];
            try
            {
                using var response = await Http.PostAsJsonAsync(Uri(silo, "/api/orders"), new { customer, order });
                var (status, outcome, location) = await ReadAsync(response);
                while (status == HttpStatusCode.Accepted && location is not null && deadline.Elapsed < GiveUpAfter)
                {
                    await Task.Delay(250);
                    using var followed = await Http.GetAsync(Uri(silo, location));
                    (status, outcome, _) = await ReadAsync(followed);
                }

                if (status == HttpStatusCode.OK && outcome is not null)
                {
                    return new Told(customer, order, outcome, clock.Elapsed);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                // The silo or its Redis did not answer: the same order id goes again, elsewhere.
            }

            await Task.Delay(300);
        }

        throw new TimeoutException($"order {order} of {customer} was told nothing within {GiveUpAfter}");
    }

    private static Uri Uri(SiloProcess silo, string path) =>
        new(path.StartsWith("http", StringComparison.Ordinal) ? path : $"http://127.0.0.1:{silo.HttpPort}{path}");

    private static async Task<(HttpStatusCode Status, string? Outcome, string? Location)> ReadAsync(HttpResponseMessage response)
    {
        string? outcome = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            outcome = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("outcome", out var o) ? o.GetString() : null;
        }

        return (response.StatusCode, outcome, response.Headers.Location?.OriginalString);
    }
}

/// <summary>An outcome a buyer was told, and when (on the test's clock).</summary>
public sealed record Told(string Customer, string Order, string Outcome, TimeSpan At);
