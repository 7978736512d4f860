using System.Buffers;
using System.Text;
using System.Text.Json;
using PopupStore.Core.Orders;

namespace PopupStore.Silo.Storefront;

/// <summary>A POST /api/orders body that passed every check, or the one problem that stops it.</summary>
public sealed record OrderBody(string? OrderId, string? CustomerId, string? Problem)
{
    public static OrderBody Bad(string problem) => new(null, null, problem);

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> bytes, then checks the JSON: an object with a string
    /// <c>customer</c> and an optional string <c>order</c> (generated when absent or null), each 1 to 256
    /// bytes of printable UTF-8. Other fields are ignored; a repeated field is refused.
    /// </summary>
    public static async Task<OrderBody> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellation)
    {
        if (request.ContentLength > maxBytes)
        {
            return Bad($"The body is larger than {maxBytes} bytes.");
        }

        // Rented: a new buffer of the largest body allowed was a quarter of what a storefront order allocated in the silo.
        // One byte past the limit tells a body over it from one that fills it.
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= maxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), cancellation)) > 0)
            {
                length += read;
            }

            return length > maxBytes ? Bad($"The body is larger than {maxBytes} bytes.") : Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static OrderBody Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return Bad("The body is empty; send {\"customer\": \"<id>\", \"order\": \"<id>\"}.");
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Bad("The body must be a JSON object: {\"customer\": \"<id>\", \"order\": \"<id>\"}.");
            }

            JsonElement? customer = null, order = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    return Bad($"The field '{property.Name}' appears more than once.");
                }

                switch (property.Name)
                {
                    case "customer":
                        customer = property.Value;
                        break;
                    case "order":
                        order = property.Value;
                        break;
                }
            }

            var (customerId, customerProblem) = ReadId(customer, "customer", required: true);
            if (customerProblem is not null)
            {
                return Bad(customerProblem);
            }

            var (orderId, orderProblem) = ReadId(order, "order", required: false);
            return orderProblem is not null ? Bad(orderProblem) : new OrderBody(orderId ?? NewOrderId(), customerId, null);
        }
        catch (JsonException ex)
        {
            return Bad($"The body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // An escaped lone surrogate ("\ud800") cannot become a string.
            return Bad($"The body holds text that is not valid Unicode: {ex.Message}");
        }
    }

    /// <summary>The same rules as the order entry parser: 1 to 256 bytes of UTF-8, not blank, no control characters.</summary>
    public static string? IdProblem(string value, string what)
    {
        if (value.Length == 0)
        {
            return $"'{what}' is empty.";
        }

        if (Encoding.UTF8.GetByteCount(value) > OrderEntryParser.MaxIdBytes)
        {
            return $"'{what}' is longer than {OrderEntryParser.MaxIdBytes} bytes.";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return $"'{what}' is blank.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                return $"'{what}' holds a control character (U+{(int)c:X4}); ids are printable text.";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"'{what}' is not valid Unicode.";
            }
        }

        return null;
    }

    private static (string? Value, string? Problem) ReadId(JsonElement? element, string what, bool required)
    {
        if (element is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return required ? (null, $"'{what}' is missing.") : (null, null);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return (null, $"'{what}' must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var text = value.GetString()!;
        return IdProblem(text, what) is { } problem ? (null, problem) : (text, null);
    }

    private static string NewOrderId() => "web-" + Guid.NewGuid().ToString("N");
}
