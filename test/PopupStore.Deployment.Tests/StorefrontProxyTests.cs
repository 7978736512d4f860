using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>The compose stack's storefront proxy (storefront/nginx.conf.template) and how compose wires it.</summary>
public sealed partial class StorefrontProxyTests
{
    private static readonly string Template = RepoFiles.Read("storefront/nginx.conf.template");

    [Fact]
    public void The_proxy_image_is_pinned_and_mounts_the_template_the_image_renders()
    {
        var compose = RepoFiles.Read("docker-compose.yml");
        Assert.Contains("image: nginx:1.27.3-alpine", compose, StringComparison.Ordinal);
        Assert.Contains("./storefront/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_page_the_api_and_the_live_feed_pass_and_everything_else_is_404()
    {
        var locations = LocationRegex().Matches(Template).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(["= /", "= /storefront.js", "= /storefront.css", "= /api/sale/events", "/api/", "/"], locations);
        Assert.Matches(@"location / \{\s*return 404;\s*\}", Template);
        Assert.DoesNotContain("/metrics", Template.Split('\n').Where(l => !l.TrimStart().StartsWith('#')), StringComparer.Ordinal);
    }

    [Fact]
    public void The_silo_name_is_resolved_again_so_every_replica_gets_buyers()
    {
        // A variable in proxy_pass makes nginx resolve at request time through the resolver, with a short validity.
        Assert.Matches(@"resolver \$\{DNS_RESOLVER\} valid=5s", Template);
        Assert.Contains("set $silos http://${SILO_HOST}:${SILO_PORT};", Template, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"proxy_pass http://", Template);
    }

    [Fact]
    public void The_buyer_address_is_set_by_the_proxy_and_trusted_by_the_silos_behind_it()
    {
        Assert.Contains("proxy_set_header X-Forwarded-For $remote_addr;", Template, StringComparison.Ordinal);
        Assert.Contains("Storefront__TrustForwardedFor: \"true\"", RepoFiles.Read("docker-compose.yml"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_feed_is_not_buffered()
    {
        var events = Regex.Match(Template, @"location = /api/sale/events \{(?<body>[^}]*)\}").Groups["body"].Value;
        Assert.Contains("proxy_buffering off;", events, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"location (?<path>(= )?/[^\s{]*) \{")]
    private static partial Regex LocationRegex();
}
