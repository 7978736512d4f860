using System.Net;
using System.Text;
using System.Text.Json;

namespace PopupStore.Storefront.Tests.Infrastructure;

/// <summary>A storefront response as a test reads it: status, headers, the JSON body.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? ContentType, string? Location, string? RetryAfter, JsonElement Body)
{
    public string? Field(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public string? Outcome => Field("outcome");

    public override string ToString() => $"{(int)Status} {Body}";
}

public static class Api
{
    public static Task<ApiResponse> OrderAsync(this StorefrontSilo silo, string customer, string? order = null, string? forwardedFor = null) =>
        silo.PostRawAsync(JsonSerializer.Serialize(order is null ? new { customer } : (object)new { customer, order }), forwardedFor);

    /// <param name="chunked">Sends the body without a length, in chunks, so the silo only learns its size by reading it.</param>
    public static async Task<ApiResponse> PostRawAsync(this StorefrontSilo silo, string body, string? forwardedFor = null, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TransferEncodingChunked = chunked;
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await silo.Http.SendAsync(request);
        return await ReadAsync(response);
    }

    public static async Task<ApiResponse> GetAsync(this StorefrontSilo silo, string path, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await silo.Http.SendAsync(request);
        return await ReadAsync(response);
    }

    /// <summary>Follows a 202's Location until the order is decided (200) or the time runs out.</summary>
    public static async Task<ApiResponse> FollowAsync(this StorefrontSilo silo, string location, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await silo.GetAsync(location);
            if (response.Status != HttpStatusCode.Accepted || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new ApiResponse(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.Location?.OriginalString,
            response.Headers.RetryAfter?.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            body);
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
