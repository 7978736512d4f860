using System.Security.Cryptography;
using System.Text;
using PopupStore.Core.Invariants;
using PopupStore.FaultTests.Infrastructure;
using PopupStore.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PopupStore.FaultTests.Security;

/// <summary>A password-protected Redis, and Redis 7 ACLs as redis/users.acl.template grants them.</summary>
public sealed class RedisCredentialTests(ITestOutputHelper output)
{
    private static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    [Fact]
    public async Task A_silo_with_the_right_password_is_healthy_and_one_with_a_wrong_or_missing_password_exits_with_one_line()
    {
        await using var redis = await RedisProcess.StartAsync(password: NewPassword());

        await using var good = SiloProcess.Start(redis.ConnectionString);
        var wrong = SiloProcess.Start(redis.WithCredentials(null, "not-the-password"));
        var missing = SiloProcess.Start(redis.WithCredentials(null, null));
        await using (wrong)
        await using (missing)
        {
            await good.WaitHealthyAsync(ProcessCluster.StartTimeout);
            foreach (var refused in new[] { wrong, missing })
            {
                var code = await refused.App.WaitForExitAsync(TimeSpan.FromSeconds(60));
                var errors = refused.App.StandardError.Where(l => l.Trim().Length > 0).ToList();
                output.WriteLine($"silo exit code {code}; stderr: {string.Join(" | ", errors)}");
                Assert.NotEqual(0, code);
                var line = Assert.Single(errors);
                Assert.Contains("credentials", line, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("not-the-password", line, StringComparison.Ordinal);
            }
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, await good.HealthAsync());
    }

    [Theory]
    [InlineData("not-the-password")]
    [InlineData(null)]
    public async Task The_load_client_with_a_wrong_or_missing_password_exits_3_with_one_line(string? password)
    {
        await using var redis = await RedisProcess.StartAsync(password: NewPassword());
        await using var client = AppProcess.Start(
            "PopupStore.LoadClient.dll",
            new Dictionary<string, string>(),
            ["--redis", redis.WithCredentials(null, password), "sale", "status"]);

        var code = await client.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var errors = client.StandardError.Where(l => l.Trim().Length > 0).ToList();
        output.WriteLine($"load client exit code {code}; stderr: {string.Join(" | ", errors)}");
        Assert.Equal(3, code);
        Assert.Contains("credentials", Assert.Single(errors), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The popupstore user exactly as the template defines it (minus TS.* and RG.* commands, which need
    /// modules this Redis does not load) runs a whole small sale: silo, sale start and a crowd.
    /// </summary>
    [Fact]
    public async Task The_popupstore_ACL_user_from_the_template_is_enough_to_run_a_sale_on_Redis_7()
    {
        await using var redis = await RedisProcess.StartAsync(password: NewPassword());
        await using var admin = await redis.ConnectAsync();
        var db = admin.GetDatabase();
        var password = NewPassword();
        var rules = TemplateRules("popupstore", password);
        output.WriteLine("ACL SETUSER popupstore " + string.Join(' ', rules).Replace(Sha256(password), "<sha256>", StringComparison.Ordinal));
        await db.ExecuteAsync("ACL", ["SETUSER", "popupstore", .. rules]);
        await db.ExecuteAsync("ACL", "LOG", "RESET");
        var asUser = redis.WithCredentials("popupstore", password);

        await using var silo = SiloProcess.Start(asUser);
        await silo.WaitHealthyAsync(ProcessCluster.StartTimeout);
        var environment = new Dictionary<string, string>();
        await using (var start = AppProcess.Start("PopupStore.LoadClient.dll", environment, ["--redis", asUser, "sale", "start", "--units", "200", "--duration", "10m"]))
        {
            Assert.True(await start.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, start.Tail());
        }

        await using (var run = AppProcess.Start("PopupStore.LoadClient.dll", environment, ["--redis", asUser, "run", "--buyers", "600", "--timeout", "1m", "--seed", "4"]))
        {
            var code = await run.WaitForExitAsync(TimeSpan.FromSeconds(120));
            output.WriteLine(string.Join(Environment.NewLine, run.StandardOutput.TakeLast(14)));
            Assert.True(code == 0, run.Tail());
        }

        // StackExchange.Redis probes the server while connecting (CLUSTER NODES/SLOTS, CONFIG GET) and
        // carries on when refused; anything else refused would be a permission the template lacks.
        var denied = ((RedisResult[])(await db.ExecuteAsync("ACL", "LOG"))!)
            .Select(e => ((RedisResult[])e!).Select(f => f.ToString()).ToArray())
            .Select(fields => fields[Array.IndexOf(fields, "object") + 1])
            .ToList();
        output.WriteLine($"ACL LOG, denied: {string.Join(", ", denied.DefaultIfEmpty("nothing"))}");
        Assert.All(denied, command => Assert.Contains(command, new[] { "cluster|nodes", "cluster|slots", "config|get", "client|setinfo" }));

        var report = await new InvariantChecker(admin).CheckAsync();
        output.WriteLine(report.ToString());
        Assert.True(report.AllPassed, report.ToString());
        Assert.Equal(200, await db.StreamLengthAsync("queue:complete"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await silo.HealthAsync());
    }

    /// <summary>The template's rule line for a user, rendered like redis/entrypoint.sh does.</summary>
    private static List<string> TemplateRules(string user, string password)
    {
        var line = File.ReadLines(Repository.PathOf("redis/users.acl.template"))
            .Single(l => l.StartsWith($"user {user} ", StringComparison.Ordinal));
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(2)
            .Select(rule => rule.Replace("${REDIS_PASSWORD_SHA256}", Sha256(password), StringComparison.Ordinal))
            .Where(rule => !rule.StartsWith("+ts.", StringComparison.OrdinalIgnoreCase) && !rule.StartsWith("+rg.", StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
