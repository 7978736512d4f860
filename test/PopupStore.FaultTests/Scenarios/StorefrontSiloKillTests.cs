using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PopupStore.Core.Redis;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Scenarios;

/// <summary>
/// Buyers waiting on the storefront when a silo dies: frozen (SIGSTOP) with requests in flight, then
/// killed. Each buyer gets an answer or a 202 it can follow to one; a buyer whose connection died with the
/// silo sends the same order id to the other silo. Nobody gets a second unit, every order one outcome.
/// </summary>
public sealed class StorefrontSiloKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FollowLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Buyers_waiting_when_a_silo_is_killed_get_their_answer_and_never_a_second_unit()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, settings: new Dictionary<string, string>
        {
            ["Storefront__ClientRequestsPerSecond"] = "0",
        });
        await cluster.Sales.StartAsync(1_000, TimeSpan.FromMinutes(10), force: false);
        var (victim, survivor) = (cluster.Silos[0], cluster.Silos[1]);
        using var toVictim = Client(victim);
        using var toSurvivor = Client(survivor);

        // Buyers whose customer grains live on the victim (placed where they were first called).
        var earlyBuyers = Enumerable.Range(0, 30).Select(i => $"early-{i}").ToList();
        foreach (var customer in earlyBuyers)
        {
            var bought = await PostAsync(toVictim, customer, $"{customer}-first");
            Assert.Equal("complete", bought.Outcome);
        }

        Signals.Send(victim.App.Pid, Signals.Stop);
        try
        {
            // Second orders of the early buyers (their grains are frozen), new buyers through the
            // survivor, and new buyers whose connection is to the frozen silo itself.
            var viaSurvivor = earlyBuyers.Select(c => (Customer: c, Order: $"{c}-second"))
                .Concat(Enumerable.Range(0, 30).Select(i => (Customer: $"late-{i}", Order: $"late-{i}-first")))
                .Select(o => (o.Customer, o.Order, Answer: BuyAsync(toSurvivor, toSurvivor, o.Customer, o.Order)))
                .ToList();
            var viaVictim = Enumerable.Range(0, 10).Select(i => (Customer: $"stranded-{i}", Order: $"stranded-{i}-first"))
                .Select(o => (o.Customer, o.Order, Answer: BuyAsync(toVictim, toSurvivor, o.Customer, o.Order)))
                .ToList();

            await Task.Delay(TimeSpan.FromSeconds(1));
            victim.Kill();
            output.WriteLine("victim frozen for 1 s with requests in flight, then killed");

            var all = viaSurvivor.Concat(viaVictim).ToList();
            var answers = await Task.WhenAll(all.Select(o => o.Answer));
            var byOrder = all.Select((o, i) => (o.Customer, o.Order, Answer: answers[i])).ToList();
            output.WriteLine($"answered: {string.Join(", ", answers.GroupBy(a => a.Path).Select(g => $"{g.Key} {g.Count()}"))}");

            var db = cluster.Database;
            foreach (var (customer, order, answer) in byOrder)
            {
                Assert.Equal(HttpStatusCode.OK, answer.Final.Status);
                Assert.Equal(answer.Final.Outcome, (string?)await db.HashGetAsync(RedisKeys.Answered, RedisKeys.AnswerField(customer, order)));
                Assert.Equal(customer.StartsWith("early-", StringComparison.Ordinal) ? "duplicate" : "complete", answer.Final.Outcome);
            }

            await Invariants.AssertAllAsync(
                cluster.Connection,
                [.. earlyBuyers.Select(c => $"{c}-first"), .. byOrder.Select(o => o.Order)],
                output,
                cluster.SiloLogs());
            Assert.Equal(70, await db.HashLengthAsync(RedisKeys.Buyers));
            Assert.Equal(930, (long)await db.StringGetAsync(RedisKeys.Product));
        }
        finally
        {
            if (!victim.App.HasExited)
            {
                victim.Kill();
            }
        }
    }

    private sealed record Reply(HttpStatusCode Status, string? Outcome, string? Location);

    private sealed record Bought(Reply Final, string Path);

    /// <summary>What a buyer does: post; on a lost connection post the same order id elsewhere; follow a 202.</summary>
    private static async Task<Bought> BuyAsync(HttpClient first, HttpClient fallback, string customer, string order)
    {
        Reply reply;
        var path = "direct";
        try
        {
            reply = await PostAsync(first, customer, order);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            path = "resent";
            reply = await PostAsync(fallback, customer, order);
        }

        if (reply.Status == HttpStatusCode.Accepted)
        {
            path += "+202";
            var deadline = DateTime.UtcNow + FollowLimit;
            while (reply.Status == HttpStatusCode.Accepted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                using var response = await fallback.GetAsync(reply.Location);
                reply = await ReadAsync(response);
            }
        }

        return new Bought(reply, path);
    }

    private static async Task<Reply> PostAsync(HttpClient http, string customer, string order)
    {
        using var response = await http.PostAsJsonAsync("/api/orders", new { customer, order });
        return await ReadAsync(response);
    }

    private static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var outcome = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("outcome", out var o) ? o.GetString() : null;
        return new Reply(response.StatusCode, outcome, response.Headers.Location?.OriginalString);
    }

    private static HttpClient Client(SiloProcess silo) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
}
