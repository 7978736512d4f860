using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using PopupStore.Core.Orders;
using PopupStore.Grains.Storefront;
using StackExchange.Redis;

namespace PopupStore.Silo.Storefront;

/// <summary>The storefront on every silo: the page, the order API, the sale's figures and their live feed.</summary>
public static class StorefrontEndpoints
{
    private static readonly TimeSpan FeedInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FeedHeartbeat = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddStorefront(this IServiceCollection services)
    {
        services.AddSingleton<SaleSnapshots>();
        services.AddSingleton<OrderTaker>();
        services.AddSingleton(TimeProvider.System);
        services.AddStorefrontRateLimits();
        return services;
    }

    public static WebApplication MapStorefront(this WebApplication app)
    {
        StorefrontPage.Map(app);

        var api = app.MapGroup("/api").RequireClientLimit().WithTags("Storefront");
        api.MapPost("/orders", PostOrderAsync)
            .WithSummary("Place an order: one unit for one customer, answered once decided or 202 to follow")
            .Accepts<OrderRequestBody>("application/json")
            .Produces<OrderAnswer>(StatusCodes.Status200OK)
            .Produces<OrderAnswer>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/orders/{order}", GetOrderAsync)
            .WithSummary("An order's answer for its buyer (?customer= with the order id): 200 once decided, 202 while it waits")
            .Produces<OrderAnswer>(StatusCodes.Status200OK)
            .Produces<OrderAnswer>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/sale", async (SaleSnapshots sale, CancellationToken cancellation) => Results.Json(await sale.GetAsync(cancellation)))
            .WithSummary("The sale's figures: units, available, sold, state and window on Redis' clock")
            .Produces<SaleView>(StatusCodes.Status200OK);
        api.MapGet("/sale/events", (SaleSnapshots sale, IHostApplicationLifetime lifetime, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.ServerSentEvents(FeedAsync(sale, http.RequestAborted, lifetime.ApplicationStopping));
        })
            .WithSummary("The sale's figures as server-sent events (event: sale) whenever they change");
        return app;
    }

    private static async Task<IResult> PostOrderAsync(
        HttpContext http, OrderTaker taker, StorefrontLimits limits, IOptions<StorefrontOptions> options)
    {
        var started = Stopwatch.GetTimestamp();
        var body = await OrderBody.ReadAsync(http.Request, options.Value.MaxBodyBytes, http.RequestAborted);
        if (body.Problem is { } problem)
        {
            StorefrontMetrics.Counted(StorefrontMetrics.BadRequest);
            return BadRequest(problem);
        }

        var (orderId, customerId) = (body.OrderId!, body.CustomerId!);
        if (limits.Customers.TryTake(customerId) is { IsAllowed: false } refused)
        {
            StorefrontMetrics.Counted(StorefrontMetrics.Limited);
            return StorefrontRateLimits.TooManyRequests(http, refused.RetryAfter, "Too many orders for this customer.");
        }

        try
        {
            var answer = await taker.TakeAsync(orderId, customerId);
            var latency = Stopwatch.GetElapsedTime(started);
            StorefrontMetrics.Answered(answer, latency);
            return Respond(http, answer, orderId, customerId, latency);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // Redis unreachable, or a call cancelled under the request (a silo shutting down): whether the order was
            // written is unknown, and sending the same order id again is safe either way. Never a 500, which the
            // page would show as a refusal of an order that may well have been taken.
            StorefrontMetrics.Counted(StorefrontMetrics.Unavailable);
            http.Response.Headers.RetryAfter = "1";
            return Results.Problem(
                detail: "The store could not finish taking your order. Send the same order id again; it is never taken twice.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Try again");
        }
    }

    /// <summary>
    /// An order's outcome, for its buyer only: an order is its customer's, so it is looked up by the customer id
    /// with the order id (<c>?customer=</c>), which only its buyer knows together. An order id alone, which can be
    /// guessed, finds nothing; another customer's order with the same id is another order (404 when unknown).
    /// </summary>
    private static async Task<IResult> GetOrderAsync(string order, string? customer, HttpContext http, WebOrderStore store)
    {
        var started = Stopwatch.GetTimestamp();
        if (OrderBody.IdProblem(order, "order") is { } problem)
        {
            return BadRequest(problem);
        }

        if (customer is null)
        {
            return BadRequest("The customer id is required: GET /api/orders/{order}?customer={customer}.");
        }

        if (OrderBody.IdProblem(customer, "customer") is { } customerProblem)
        {
            return BadRequest(customerProblem);
        }

        var seen = await store.LookupAsync(customer, order);
        if (seen.Result is { } result)
        {
            return Respond(http, WebOrderAnswer.Decided(result), order, customer, Stopwatch.GetElapsedTime(started));
        }

        return seen.Taken
            ? Respond(http, WebOrderAnswer.Pending, order, customer, Stopwatch.GetElapsedTime(started))
            : Results.Problem(detail: $"No order '{order}' of this customer is known.", statusCode: StatusCodes.Status404NotFound, title: "Unknown order");
    }

    private static IResult Respond(HttpContext http, WebOrderAnswer answer, string orderId, string customerId, TimeSpan elapsed)
    {
        var latency = (long)elapsed.TotalMilliseconds;
        if (answer.State == WebOrderState.Decided)
        {
            var result = answer.Result!.Value;
            return Results.Json(new OrderAnswer(orderId, customerId, result.ToWire(), OrderAnswers.Detail(result), latency));
        }

        http.Response.Headers.Location = OrderAnswers.Location(customerId, orderId);
        return Results.Json(
            new OrderAnswer(orderId, customerId, OrderAnswers.Pending, OrderAnswers.PendingDetail, latency),
            statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad order request");

    /// <summary>Sends the sale's figures when they change (and every 15 s anyway), from the silo's cache.</summary>
    private static async IAsyncEnumerable<SseItem<SaleView>> FeedAsync(
        SaleSnapshots sale, CancellationToken aborted, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping, enumeration);
        var cancellation = both.Token;
        SaleView? last = null;
        var lastSent = 0L;
        while (!cancellation.IsCancellationRequested)
        {
            SaleView view;
            try
            {
                view = await sale.GetAsync(cancellation);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                view = last ?? new SaleView(0, 0, 0, "none", 0, 0, 0);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (last is null || view with { ServerTime = 0 } != last with { ServerTime = 0 }
                || Stopwatch.GetElapsedTime(lastSent) >= FeedHeartbeat)
            {
                last = view;
                lastSent = Stopwatch.GetTimestamp();
                yield return new SseItem<SaleView>(view, "sale") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
            }

            if (!await DelayAsync(FeedInterval, cancellation))
            {
                yield break;
            }
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, cancellation);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
