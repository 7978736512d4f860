using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using PopupStore.Grains;
using PopupStore.Storefront.Tests.Infrastructure;

[assembly: HostingStartup(typeof(CancelledWebOrderCalls))]

namespace PopupStore.Storefront.Tests.Infrastructure;

/// <summary>
/// Test-only: a silo host started with <c>hostingStartupAssemblies</c> naming this assembly gets a grain call filter
/// that cancels the first storefront call (<c>PlaceWebOrder</c>) of every order of a customer named <c>cancel-*</c>,
/// as a silo shutting down cancels calls in flight. A hosting startup, so the product needs no hook for it.
/// </summary>
public sealed class CancelledWebOrderCalls : IHostingStartup, IIncomingGrainCallFilter
{
    public const string CustomerPrefix = "cancel-";

    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);

    /// <summary>Storefront calls this filter cancelled, in this process.</summary>
    public static int Cancelled => Calls.Values.Count(n => n >= 1);

    public void Configure(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter>(this));

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain && context.Request.GetArgument(0) is WebOrder order
            && context.TargetId.Key.ToString() is { } customer && customer.StartsWith(CustomerPrefix, StringComparison.Ordinal)
            && Calls.AddOrUpdate(customer + "/" + order.OrderId, 1, (_, n) => n + 1) == 1)
        {
            throw new OperationCanceledException($"injected cancellation of {customer}'s storefront call");
        }

        return context.Invoke();
    }
}
