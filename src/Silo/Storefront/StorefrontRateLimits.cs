using System.Globalization;
using Microsoft.Extensions.Options;
using PopupStore.Grains.Storefront;

namespace PopupStore.Silo.Storefront;

/// <summary>
/// Two limits, both answered 429 with Retry-After: requests per client address on every /api endpoint (a filter on
/// the group), and orders per customer id, which is only known once the body is read, so the order endpoint asks
/// <see cref="StorefrontLimits.Customers"/> itself.
/// </summary>
public static class StorefrontRateLimits
{
    public static IServiceCollection AddStorefrontRateLimits(this IServiceCollection services) =>
        services.AddSingleton<StorefrontLimits>();

    /// <summary>Counts every request of the group against its client address.</summary>
    public static RouteGroupBuilder RequireClientLimit(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var settings = http.RequestServices.GetRequiredService<IOptions<StorefrontOptions>>().Value;
            var limits = http.RequestServices.GetRequiredService<StorefrontLimits>();
            if (limits.Clients.TryTake(ClientKey(http, settings)) is { IsAllowed: false } refused)
            {
                // The group's only POST is the order endpoint; the metric counts order requests.
                if (HttpMethods.IsPost(http.Request.Method))
                {
                    StorefrontMetrics.Counted(StorefrontMetrics.Limited);
                }

                return TooManyRequests(http, refused.RetryAfter, "Too many requests from this client.");
            }

            return await next(context);
        });
        return group;
    }

    public static IResult TooManyRequests(HttpContext context, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
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
