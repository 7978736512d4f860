namespace PopupStore.Silo.Storefront;

/// <summary>
/// The storefront page: three files embedded in the silo (no external asset, so it works offline and
/// behind any proxy), served with a policy that lets the page load nothing from elsewhere.
/// </summary>
public static class StorefrontPage
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/storefront.js", "storefront.js", "text/javascript; charset=utf-8"),
        ("/storefront.css", "storefront.css", "text/css; charset=utf-8"),
    ];

    public static void Map(WebApplication app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            });
        }
    }

    private static byte[] Read(string name)
    {
        var resource = $"PopupStore.Storefront.{name}";
        using var stream = typeof(StorefrontPage).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded page file {resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
