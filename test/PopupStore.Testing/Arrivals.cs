namespace PopupStore.Testing;

/// <summary>
/// Entry ids for orders handed to the completion script directly. Orders are judged by arrival (the
/// ms part of their entry id), so a test order that should count as arriving inside a sale started a
/// moment ago gets an id of now; <c>1-1</c> would have arrived in 1970, before any sale opened.
/// </summary>
public static class Arrivals
{
    public static string Now(long sequence = 0) => At(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), sequence);

    public static string At(long milliseconds, long sequence = 0) => $"{milliseconds}-{sequence}";
}
