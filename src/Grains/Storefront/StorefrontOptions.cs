using System.ComponentModel.DataAnnotations;

namespace PopupStore.Grains.Storefront;

/// <summary>
/// The storefront's settings (section <c>Storefront</c>), shared by the HTTP endpoints and the grains; validated by the
/// options framework at start.
/// </summary>
public sealed class StorefrontOptions
{
    public const string SectionName = "Storefront";

    /// <summary>How long a buyer's POST waits for the outcome before it is answered 202 with a Location to follow.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00", ErrorMessage = "Storefront:AnswerTimeout must be positive.")]
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a silo looks up the outcome of an order that waits in queue:orders for a poller (one a script call left
    /// written and unanswered when it failed half way); every other order is answered by the call that takes it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00", ErrorMessage = "Storefront:AnswerPollInterval must be positive.")]
    public TimeSpan AnswerPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a silo reuses the sale's figures for GET /api/sale and the live feed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.250", ErrorMessage = "Storefront:SaleCacheTime must be between 0 and 250 ms.")]
    public TimeSpan SaleCacheTime { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest POST /api/orders body accepted, in bytes.</summary>
    [Range(64, 65_536, ErrorMessage = "Storefront:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; set; } = 4096;

    /// <summary>Requests per second one client (address) may make to /api; 0 turns the limit off.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "Storefront:ClientRequestsPerSecond must not be negative.")]
    public int ClientRequestsPerSecond { get; set; } = 20;

    /// <summary>Requests a client may make at once before the per-second rate applies.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Storefront:ClientBurst must be at least 1.")]
    public int ClientBurst { get; set; } = 40;

    /// <summary>Orders per minute one customer id may post; 0 turns the limit off.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "Storefront:CustomerOrdersPerMinute must not be negative.")]
    public int CustomerOrdersPerMinute { get; set; } = 12;

    /// <summary>Orders a customer may post at once before the per-minute rate applies.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Storefront:CustomerBurst must be at least 1.")]
    public int CustomerBurst { get; set; } = 4;

    /// <summary>
    /// Take the client's address from X-Forwarded-For (its first address) for the per-client limit. Only
    /// behind a proxy that sets it (the compose stack's): anyone else could pick their own address.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}
