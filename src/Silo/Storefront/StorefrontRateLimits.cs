using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PopupStore.Grains.WebOrders;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// Two limits, both answered 429 with Retry-After: requests per client address on every /api endpoint
/// (ASP.NET Core's rate limiting middleware), and orders per customer id, which is only known once the
/// body is read, so the order endpoint asks <see cref="CustomerLimiter"/> itself.
/// </summary>
public static class StorefrontRateLimits
{
    public const string ClientPolicy = "storefront-client";

    public static IServiceCollection AddStorefrontRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<CustomerLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellation) =>
                new ValueTask(TooManyRequests(context.HttpContext, context.Lease, "Too many requests from this client.").ExecuteAsync(context.HttpContext));
            limiter.AddPolicy(ClientPolicy, context =>
            {
                var settings = context.RequestServices.GetRequiredService<IOptions<StorefrontOptions>>().Value;
                if (settings.ClientRequestsPerSecond == 0)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(context, settings), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.ClientBurst,
                    TokensPerPeriod = settings.ClientRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return services;
    }

    public static IResult TooManyRequests(HttpContext context, RateLimitLease lease, string detail)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            detail: $"{detail} Try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests");
    }

    private static string ClientKey(HttpContext context, StorefrontOptions settings)
    {
        if (settings.TrustForwardedFor
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            return forwarded.Split(',')[0].Trim();
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}

/// <summary>Orders per customer id: a token bucket each, dropped by the limiter once idle.</summary>
public sealed class CustomerLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public CustomerLimiter(IOptions<StorefrontOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(customer => settings.CustomerOrdersPerMinute == 0
            ? RateLimitPartition.GetNoLimiter("off")
            : RateLimitPartition.GetTokenBucketLimiter(customer, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.CustomerBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / settings.CustomerOrdersPerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public RateLimitLease Acquire(string customerId) => _limiter.AttemptAcquire(customerId);

    public void Dispose() => _limiter.Dispose();
}
