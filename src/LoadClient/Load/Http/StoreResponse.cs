namespace PopupStore.LoadClient.Load.Http;

/// <summary>What the storefront answered one request: its status and the two headers a buyer acts on.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Location">Where a 202's answer is to be followed; null when the response named none.</param>
/// <param name="RetryAfter">A 429's or 503's Retry-After in seconds; null when absent or given as a date.</param>
public readonly record struct StoreResponse(int Status, string? Location, TimeSpan? RetryAfter);
