using System.Net;
using System.Text.Json;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

[Collection(StorefrontCollection.Name)]
public sealed class SaleApiTests(StorefrontFixture fx)
{
    [Fact]
    public async Task The_sale_is_described_with_its_figures_and_the_server_clock()
    {
        await fx.StartSaleAsync(7, TimeSpan.FromMinutes(3));
        await fx.A.OrderAsync(Api.NewId("c"), Api.NewId("o"));

        // Cached for at most 250 ms per silo: within a second it shows the sale.
        ApiResponse sale;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        do
        {
            sale = await fx.B.GetAsync("/api/sale");
        }
        while (sale.Body.GetProperty("sold").GetInt64() != 1 && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HttpStatusCode.OK, sale.Status);
        var body = sale.Body;
        Assert.Equal(7, body.GetProperty("units").GetInt64());
        Assert.Equal(6, body.GetProperty("available").GetInt64());
        Assert.Equal(1, body.GetProperty("sold").GetInt64());
        Assert.Equal("open", body.GetProperty("state").GetString());
        var opens = body.GetProperty("opens").GetInt64();
        Assert.Equal(180_000, body.GetProperty("closes").GetInt64() - opens);
        Assert.InRange(body.GetProperty("serverTime").GetInt64(), opens, opens + 180_000);
    }

    [Fact]
    public async Task The_live_feed_is_server_sent_events_of_the_sale()
    {
        await fx.StartSaleAsync(9);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await fx.A.Http.GetAsync("/api/sale/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        string? eventName = null;
        JsonElement? data = null;
        while (data is null && await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        Assert.Equal("sale", eventName);
        Assert.Equal(9, data!.Value.GetProperty("units").GetInt64());
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_with_a_policy_that_loads_nothing_from_elsewhere()
    {
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/storefront.js", "text/javascript"), ("/storefront.css", "text/css") })
        {
            using var response = await fx.B.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }
}
