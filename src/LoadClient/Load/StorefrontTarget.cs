namespace PopupStore.LoadClient.Load;

/// <summary>Where <c>run --via http</c> sends its buyers, and whether each comes from an address of its own.</summary>
/// <param name="Urls">Storefront addresses, used in turn.</param>
/// <param name="AddressPerBuyer">
/// Each buyer's requests carry an <c>X-Forwarded-For</c> address of its own, as a proxy in front of the storefront
/// would send them (the silos must trust it: <c>Storefront__TrustForwardedFor=true</c>); otherwise every buyer is
/// this process' one address, and the storefront's limit per client address counts the whole crowd as one client.
/// </param>
/// <param name="ConnectionsPerAddress">Keep-alive connections to each address, each carrying one request at a time.</param>
public sealed record StorefrontTarget(IReadOnlyList<Uri> Urls, bool AddressPerBuyer = false, int ConnectionsPerAddress = StorefrontTarget.DefaultConnections)
{
    /// <summary>As many as the compose proxy keeps pooled to the silos per worker (storefront/nginx.conf.template).</summary>
    public const int DefaultConnections = 64;
}
