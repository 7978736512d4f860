using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PopupStore.LoadClient.Load.Http;

/// <summary>The two requests a buyer makes, as the bytes sent on a connection: placing an order and following its answer.</summary>
public static class StoreRequests
{
    /// <summary><c>POST /api/orders</c> with the order as a JSON body of known length, as a page's fetch sends a string body.</summary>
    public static byte[] PlaceOrder(string authority, string orderId, string customerId, string? forwardedFor)
    {
        var body = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"customer\":\"{JsonEncodedText.Encode(customerId)}\",\"order\":\"{JsonEncodedText.Encode(orderId)}\"}}");
        var head = new StringBuilder(256)
            .Append("POST /api/orders HTTP/1.1\r\nHost: ").Append(authority)
            .Append("\r\nContent-Type: application/json\r\nContent-Length: ")
            .Append(Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture));
        return Finish(head, forwardedFor, body);
    }

    /// <summary><c>GET</c> of a path (with its query), as a 202's Location names it.</summary>
    public static byte[] Follow(string authority, string pathAndQuery, string? forwardedFor)
    {
        var head = new StringBuilder(256).Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\nHost: ").Append(authority);
        return Finish(head, forwardedFor, string.Empty);
    }

    private static byte[] Finish(StringBuilder head, string? forwardedFor, string body)
    {
        if (forwardedFor is not null)
        {
            head.Append("\r\nX-Forwarded-For: ").Append(forwardedFor);
        }

        return Encoding.UTF8.GetBytes(head.Append("\r\n\r\n").Append(body).ToString());
    }
}
