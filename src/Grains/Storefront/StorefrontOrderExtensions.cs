using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PopupStore.Grains.Storefront;

public static class StorefrontOrderExtensions
{
    /// <summary>The storefront's options and its view of Redis.</summary>
    public static IServiceCollection AddStorefrontOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<StorefrontOptions>()
            .Bind(configuration.GetSection(StorefrontOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<WebOrderStore>();
        return services;
    }
}
