namespace PopupStore.Grains.Storefront;

/// <summary>The storefront's settings (section <c>Storefront</c>), shared by the HTTP endpoints and the grains.</summary>
public sealed class StorefrontOptions
{
    public const string SectionName = "Storefront";

    /// <summary>How long a buyer's POST waits for the outcome before it is answered 202 with a Location to follow.</summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a silo looks up, in one HMGET, the outcomes of the orders its buyers wait for. Most
    /// answers arrive sooner, through the customer grain; this catches those that never pass it (orders
    /// answered on the sold-out fast path, by another activation, or after a silo died).
    /// </summary>
    public TimeSpan AnswerPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a silo reuses the sale's figures for GET /api/sale and the live feed.</summary>
    public TimeSpan SaleCacheTime { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest POST /api/orders body accepted, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 4096;

    /// <summary>Requests per second one client (address) may make to /api; 0 turns the limit off.</summary>
    public int ClientRequestsPerSecond { get; set; } = 20;

    /// <summary>Requests a client may make at once before the per-second rate applies.</summary>
    public int ClientBurst { get; set; } = 40;

    /// <summary>Orders per minute one customer id may post; 0 turns the limit off.</summary>
    public int CustomerOrdersPerMinute { get; set; } = 12;

    /// <summary>Orders a customer may post at once before the per-minute rate applies.</summary>
    public int CustomerBurst { get; set; } = 4;

    /// <summary>
    /// Take the client's address from X-Forwarded-For (its first address) for the per-client limit. Only
    /// behind a proxy that sets it (the compose stack's): anyone else could pick their own address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }

    public IEnumerable<string> Validate()
    {
        if (AnswerTimeout <= TimeSpan.Zero)
        {
            yield return "Storefront:AnswerTimeout must be positive";
        }

        if (AnswerPollInterval <= TimeSpan.Zero)
        {
            yield return "Storefront:AnswerPollInterval must be positive";
        }

        if (SaleCacheTime < TimeSpan.Zero || SaleCacheTime > TimeSpan.FromMilliseconds(250))
        {
            yield return "Storefront:SaleCacheTime must be between 0 and 250 ms";
        }

        if (MaxBodyBytes is < 64 or > 65536)
        {
            yield return "Storefront:MaxBodyBytes must be between 64 and 65536";
        }

        if (ClientRequestsPerSecond < 0 || ClientBurst < 1 || CustomerOrdersPerMinute < 0 || CustomerBurst < 1)
        {
            yield return "Storefront rate limits must not be negative, and bursts at least 1";
        }
    }
}
