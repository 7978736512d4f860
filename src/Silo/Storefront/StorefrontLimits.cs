using Microsoft.Extensions.Options;
using PopupStore.Grains.Storefront;

namespace PopupStore.Silo.Storefront;

/// <summary>The storefront's two limits, from <see cref="StorefrontOptions"/>; a rate of 0 turns one off.</summary>
public sealed class StorefrontLimits(IOptions<StorefrontOptions> options, TimeProvider time)
{
    /// <summary>Requests to /api per client address.</summary>
    public TokenBuckets Clients { get; } = new(
        Every(TimeSpan.FromSeconds(1), options.Value.ClientRequestsPerSecond), options.Value.ClientBurst, time);

    /// <summary>Orders per customer id.</summary>
    public TokenBuckets Customers { get; } = new(
        Every(TimeSpan.FromMinutes(1), options.Value.CustomerOrdersPerMinute), options.Value.CustomerBurst, time);

    private static TimeSpan Every(TimeSpan period, int count) => count > 0 ? period / count : TimeSpan.Zero;
}
