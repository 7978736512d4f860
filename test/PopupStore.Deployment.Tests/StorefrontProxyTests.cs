using System.Text.RegularExpressions;

namespace PopupStore.Deployment.Tests;

/// <summary>The compose stack's storefront proxy (storefront/nginx.conf and its template) and how compose wires it.</summary>
public sealed partial class StorefrontProxyTests
{
    private static readonly string Template = RepoFiles.Read("storefront/nginx.conf.template");

    [Fact]
    public void The_proxy_image_is_the_nginx_debian_ships_and_mounts_the_template_the_image_renders()
    {
        var compose = RepoFiles.Read("docker-compose.yml");
        // Debian bookworm's nginx package is 1.22.1: scripts/rehearse-stack.sh runs the same version natively.
        Assert.Contains("image: nginx:1.22.1-alpine", compose, StringComparison.Ordinal);
        Assert.Contains("./storefront/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro", compose, StringComparison.Ordinal);
        Assert.Contains("start_storefront_proxy", RepoFiles.Read("scripts/rehearse-stack.sh"), StringComparison.Ordinal);
        Assert.Contains("storefront/nginx.conf.template", RepoFiles.Read("scripts/lib/storefront-proxy.sh"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_main_configuration_is_ours_and_holds_a_crowd_of_connections_kept_in_the_pool()
    {
        var compose = RepoFiles.Read("docker-compose.yml");
        var main = RepoFiles.Read("storefront/nginx.conf");
        Assert.Contains("./storefront/nginx.conf:/etc/nginx/nginx.conf:ro", compose, StringComparison.Ordinal);
        // Where the image renders the template.
        Assert.Contains("include /etc/nginx/conf.d/*.conf;", main, StringComparison.Ordinal);
        Assert.Contains("storefront/nginx.conf\"", RepoFiles.Read("scripts/lib/storefront-proxy.sh"), StringComparison.Ordinal);

        var connections = Number(main, @"worker_connections (\d+);");
        var files = Number(main, @"worker_rlimit_nofile (\d+);");
        var pooled = Number(Block("upstream silos"), @"keepalive (\d+);");
        // A buyer's connection and, while its request is in flight, one to a silo: the image's 1,024 dropped buyers
        // at about 500 waiting per worker; the pool keeps what a crowd opened rather than a connection per request.
        Assert.True(connections >= 16_384, $"worker_connections {connections}");
        Assert.True(files >= 2 * connections, $"worker_rlimit_nofile {files} for {connections} connections");
        Assert.True(pooled is >= 1_024 && pooled < connections, $"keepalive {pooled}");
        Assert.Equal(files, Number(compose, @"nofile:\s*soft: (\d+)"));
        Assert.Equal(files, Number(compose, @"nofile:\s*soft: \d+\s*hard: (\d+)"));
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
    public void Every_path_goes_to_one_upstream_of_every_replica_on_pooled_connections()
    {
        // The service name in an upstream block: resolved when nginx starts or reloads, every replica's address
        // listed. No variable in proxy_pass (that would bypass the upstream and its pool).
        var upstream = Block("upstream silos");
        Assert.Contains("server ${SILO_HOST}:${SILO_PORT};", upstream, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*keepalive \d+;", upstream);
        Assert.DoesNotContain("resolve", upstream, StringComparison.Ordinal);
        Assert.Contains("proxy_http_version 1.1;", Template, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Connection \"\";", Template, StringComparison.Ordinal);
        var passes = ProxyPassRegex().Matches(Template).Select(m => m.Groups["to"].Value).ToList();
        Assert.Equal(5, passes.Count);
        Assert.All(passes, to => Assert.Equal("http://silos", to));
    }

    [Fact]
    public void Every_api_path_is_under_one_limit_per_client_address_answered_429()
    {
        Assert.Contains("limit_req_zone $binary_remote_addr zone=clients:10m rate=${CLIENT_RATE}r/s;", Template, StringComparison.Ordinal);
        Assert.Contains("limit_req_status 429;", Template, StringComparison.Ordinal);
        foreach (var path in new[] { "= /api/sale/events", "/api/" })
        {
            var body = Block("location " + path);
            Assert.Contains("limit_req zone=clients burst=${CLIENT_EXCESS} nodelay;", body, StringComparison.Ordinal);
        }

        var limited = Block("location @limited");
        Assert.Contains("add_header Retry-After 1 always;", limited, StringComparison.Ordinal);
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
        var events = Block("location = /api/sale/events");
        Assert.Contains("proxy_buffering off;", events, StringComparison.Ordinal);
    }

    private static int Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"no match for {pattern}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What a block of the template holds: up to the brace that closes it on a line of its own (values hold braces).</summary>
    private static string Block(string header)
    {
        var match = Regex.Match(Template, $@"{Regex.Escape(header)} \{{(?<body>.*?)\n\s*\}}\n", RegexOptions.Singleline);
        Assert.True(match.Success, $"no block '{header}' in storefront/nginx.conf.template");
        return match.Groups["body"].Value;
    }

    [GeneratedRegex(@"location (?<path>(= )?/[^\s{]*) \{")]
    private static partial Regex LocationRegex();

    [GeneratedRegex(@"proxy_pass (?<to>[^;]+);")]
    private static partial Regex ProxyPassRegex();
}
