using System.Net;
using System.Text.Json;
using PopupStore.Storefront.Tests.Infrastructure;

namespace PopupStore.Storefront.Tests;

/// <summary>Every silo serves the storefront API's OpenAPI document, and it says what the API answers.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class OpenApiTests(StorefrontFixture fx)
{
    [Fact]
    public async Task The_document_lists_every_endpoint_and_every_answer_of_an_order()
    {
        using var response = await fx.A.Http.GetAsync(new Uri(fx.A.Address, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(
            ["/api/orders", "/api/orders/{order}", "/api/sale", "/api/sale/events"],
            paths.EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/api/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        var post = paths.GetProperty("/api/orders").GetProperty("post");
        Assert.Equal(
            ["200", "202", "400", "429", "503"],
            post.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        var get = paths.GetProperty("/api/orders/{order}").GetProperty("get");
        Assert.Contains(get.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "customer");
        var body = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Contains("OrderRequestBody", body.GetRawText(), StringComparison.Ordinal);
    }
}
