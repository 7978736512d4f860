namespace PopupStore.LoadClient.Live;

/// <summary>What the client side of a <c>run</c> knows: counted in memory, never read from Redis.</summary>
public sealed record RunProgress(
    string RunId,
    string Profile,
    string Phase,
    int Customers,
    long Arrived,
    int OrdersWritten,
    int Answered);
