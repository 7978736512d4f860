using System.Net;
using System.Net.Sockets;
using PopupStore.Testing;
using PopupStore.LoadClient.Cli;

namespace PopupStore.Tests.LoadClient;

/// <summary>The real command tree, invoked in-process with captured output.</summary>
public sealed class CliTests
{
    public static async Task<(int Code, string Out, string Err)> InvokeAsync(params string[] args) =>
        await InvokeAsync(CancellationToken.None, args);

    public static async Task<(int Code, string Out, string Err)> InvokeAsync(CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await PopupStoreCli.InvokeAsync(PopupStoreCli.CreateRoot(), args, output, error, cancellation);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("", "'popupstore' needs a command: sale, run")]
    [InlineData("bogus", "unknown command 'bogus' for 'popupstore' (expected one of: sale, run)")]
    [InlineData("sale", "'popupstore sale' needs a command: start, status, close, reset")]
    [InlineData("sale open", "unknown command 'open' for 'popupstore sale' (expected one of: start, status, close, reset)")]
    [InlineData("run --fast", "unknown option '--fast' for 'popupstore run'")]
    [InlineData("run now", "unexpected argument 'now' for 'popupstore run'")]
    [InlineData("run --buyers", "--buyers")]
    [InlineData("run --buyers many", "--buyers: 'many' is not a whole number of at least 1")]
    [InlineData("run --buyers 0", "--buyers: '0' is not a whole number of at least 1")]
    [InlineData("run --duplicate-ratio 1.5", "--duplicate-ratio: '1.5' is not a number between 0 and 1")]
    [InlineData("run --timeout soon", "--timeout: 'soon' is not a duration")]
    [InlineData("run --timeout 0s", "--timeout: '0s' is not a duration")]
    [InlineData("run --think-ms 500..100", "--think-ms: '500..100' is not a number or a range min..max")]
    [InlineData("run --think-ms 0..99999", "from 0 to 60000")]
    [InlineData("run --think-ms -5", "--think-ms: '-5'")]
    [InlineData("run --profile storm", "--profile: 'storm' is not one of steady, flash, bots, retry")]
    [InlineData("run --rate 100", "--rate applies to --profile steady only (the profile is flash)")]
    [InlineData("run --profile steady --rate 0", "--rate: '0' is not a positive number")]
    [InlineData("run --profile flash --bots 3", "--bots applies to --profile bots only")]
    [InlineData("run --profile bots --max-retries 2", "--max-retries applies to --profile retry only (the profile is bots)")]
    [InlineData("run --profile retry --retry-after never", "--retry-after: 'never' is not a duration")]
    [InlineData("run --profile retry --max-retries 101", "--max-retries: '101' is not a whole number from 0 to 100")]
    [InlineData("run --seed x", "--seed: 'x' is not a whole number")]
    [InlineData("run --via http", "--via http needs --url with one or more http:// addresses, comma separated")]
    [InlineData("run --via http --url ftp://x", "--via http needs --url")]
    [InlineData("run --via http --url https://shop.example", "--via http needs --url with one or more http:// addresses")]
    [InlineData("run --via http --url http://a:1 --connections 0", "--connections: '0' is not a whole number")]
    [InlineData("run --connections 8", "--connections applies to --via http only")]
    [InlineData("run --via http --url http://a:1,nope", "--via http needs --url")]
    [InlineData("run --url http://127.0.0.1:1", "--url applies to --via http only")]
    [InlineData("run --address-per-buyer", "--address-per-buyer applies to --via http only")]
    [InlineData("run --via pigeon", "--via: 'pigeon' is not one of stream, http")]
    [InlineData("sale start --units -1", "--units: '-1' is not a positive whole number")]
    [InlineData("sale start --duration 10x", "--duration: '10x' is not a duration")]
    [InlineData("sale start --duration", "--duration")]
    [InlineData("sale reset", "sale reset deletes every outcome of the sale; repeat with --yes to do it")]
    public async Task Wrong_or_missing_options_print_one_line_on_stderr_and_exit_2(string args, string expected)
    {
        var (code, output, error) = await InvokeAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("popupstore: ", line, StringComparison.Ordinal);
        Assert.EndsWith(" (see --help)", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "[default: 30000]", "[default: flash]", "[default: 0.1]", "[default: 00:02:00]", "--report-html")]
    [InlineData("sale start", "[default: 10000]", "[default: 00:10:00]", "--force", "--redis", "[default: localhost:6379]")]
    [InlineData("sale status", "--watch", "--json", "--plain", "--redis", "")]
    [InlineData("sale reset", "--yes", "--redis", "", "", "")]
    [InlineData("sale", "start", "status", "close", "reset", "")]
    [InlineData("", "sale", "run", "--redis", "", "")]
    public async Task Help_on_each_verb_shows_its_options_and_defaults(string verb, params string[] expected)
    {
        var (code, output, error) = await InvokeAsync([.. verb.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, error);
        foreach (var text in expected)
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("sale", "status")]
    [InlineData("sale", "start")]
    [InlineData("run", "--buyers", "10")]
    public async Task An_unreachable_Redis_is_one_line_and_exit_3(params string[] args)
    {
        var port = ClosedPort();
        var (code, output, error) = await InvokeAsync(
            [.. args, "--redis", $"127.0.0.1:{port},connectTimeout=500,asyncTimeout=500,syncTimeout=500"]);

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(
            $"popupstore: Redis at 127.0.0.1:{port} is unreachable (no answer within 0.5 s); check --redis or $ConnectionStrings__Redis",
            line);
    }

    [Fact]
    public async Task A_connection_string_without_an_endpoint_is_one_line_and_exit_3()
    {
        var (code, _, error) = await InvokeAsync("sale", "status", "--redis", ",password=test-only-password");

        Assert.Equal(ExitCodes.Unavailable, code);
        var line = Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("popupstore: Redis connection string", line, StringComparison.Ordinal);
    }

    [Fact]
    public void The_console_has_the_operator_verbs_and_the_benchmark_is_a_program_of_its_own()
    {
        Assert.Equal(["sale", "run"], PopupStoreCli.CreateRoot().Subcommands.Select(c => c.Name));
        var bench = PopupStore.Bench.BenchCommand.CreateRoot();
        Assert.Equal(["floor"], bench.Subcommands.Select(c => c.Name));
        Assert.Contains(bench.Options, o => o.Name == "--silos");
        Assert.Contains(bench.Options, o => o.Name == "--redis");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
