using System.Text.RegularExpressions;
using PopupStore.Testing;

namespace PopupStore.FaultTests.Security;

/// <summary>No real credential is committed: every password in the repository is a placeholder.</summary>
public sealed partial class NoSecretsTests
{
    /// <summary>
    /// What a placeholder is, exactly: an environment reference ($X, ${X}, ${X:?message}, ${X:-} with an
    /// empty default, since a default would be a committed value), an interpolation of a variable ({x}),
    /// a &lt;description&gt;, an ellipsis, or the documented <c>change-me</c> prefix of .env.example. A
    /// test's literal fake must say so at its start (<c>test-only-</c>). Nothing else: no word found
    /// somewhere in the value, no capitals rule.
    /// </summary>
    [GeneratedRegex(
        @"^(\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*(:?\?[^}]*)?\}?|\$\{[A-Za-z_]\w*:?-\}|\{[A-Za-z_][\w.]*\}|<[^<>]+>|\.\.\.|change-me[\w-]*|test-only-[\w-]+)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>
    /// <c>password=value</c> as connection strings and env files write it (also <c>REDIS_PASSWORD=</c>), a
    /// quoted literal assigned to a password in code, and <c>requirepass value</c>. Code assigning one
    /// variable to another is not a secret.
    /// </summary>
    [GeneratedRegex(@"(?i)(password=(?!=)[""']?|password\s*=\s*[""']|requirepass\s+[""']?)(?<value>\$\{[^}]*\}|<[^<>]*>|[^\s,;""'`)\]]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    /// <summary>A YAML key ending in "password" (Grafana's datasource, compose environments): the rest of the line.</summary>
    [GeneratedRegex(@"(?i)^\s*(-\s+)?[""']?[\w.-]*password[""']?\s*:[ \t]+(?<value>.*?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlKey();

    /// <summary>A JSON member whose name ends in "password", with a string value.</summary>
    [GeneratedRegex(@"(?i)""[\w.-]*password""\s*:\s*""(?<value>[^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonMember();

    /// <summary>
    /// Values that look like literals and are not secrets, each named with its file, so a new one is a
    /// decision, not a word that happens to slip through.
    /// </summary>
    private static readonly HashSet<(string File, string Value)> KnownNonSecrets =
    [
        ("gears/tests/real_redis.py", "PASSWORD"),      // password=PASSWORD, REDIS_PASSWORD=PASSWORD: the test's own generated-for-the-run constant
        ("gears/tests/real_sentinel.py", "PASSWORD"),   // REDIS_PASSWORD=PASSWORD: the same generated-for-the-run constant
    ];

    [Theory]
    [InlineData("ConnectionStrings__Redis=redis:6379,password=Latest2024!,user=popupstore")]
    [InlineData("redis:6379,password=HUNTER")]
    [InlineData("password=example")]
    [InlineData("REDIS_PASSWORD=wrong-but-real")]
    [InlineData("requirepass hunter2")]
    [InlineData("var password = \"nope-this-is-real\";")]
    [InlineData("password: hunter2", "redis.yaml")]
    [InlineData("      password: \"Latest2024!\"", "redis.yaml")]
    [InlineData("  GF_SECURITY_ADMIN_PASSWORD: admin", "docker-compose.yml")]
    [InlineData("  REDIS_PASSWORD: ${REDIS_PASSWORD:-hunter2}", "docker-compose.yml")]
    [InlineData("{ \"password\": \"s3cr3t\" }", "appsettings.json")]
    [InlineData("\"adminPassword\":\"TEST\"", "dashboard.json")]
    public void A_real_looking_password_is_flagged(string line, string file = "settings.env")
    {
        Assert.NotEmpty(Findings(file, line));
    }

    [Theory]
    [InlineData("password=${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}")]
    [InlineData("REDIS_PASSWORD=change-me-redis-password")]
    [InlineData("redis:6379,user=popupstore,password=...,ssl=true")]
    [InlineData("password=<the popupstore user's password>")]
    [InlineData("return password is null ? text : text + $\",password={password}\";")]
    [InlineData("var wrong = \"password=\" + NewPassword();")]
    [InlineData("PASSWORD = 'test-only-password'")]
    [InlineData("      password: $REDIS_PASSWORD", "redis.yaml")]
    [InlineData("  REDIS_PASSWORD: ${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}", "docker-compose.yml")]
    [InlineData("  REDIS_PASSWORD: ${REDIS_PASSWORD}", "docker-compose.yml")]
    [InlineData("password:", "redis.yaml")]
    [InlineData("{ \"password\": \"\" }", "appsettings.json")]
    [InlineData("# REDIS_PASSWORD: password of every Redis ACL user", ".env.example")]
    public void A_placeholder_is_not_flagged(string line, string file = "settings.env")
    {
        Assert.Empty(Findings(file, line));
    }

    [Fact]
    public void Committed_files_hold_no_password_other_than_placeholders()
    {
        var findings = new List<string>();
        var scanned = 0;
        foreach (var file in SourceFiles())
        {
            var relative = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/');
            findings.AddRange(Findings(relative, File.ReadAllText(file)));
            scanned++;
        }

        // The scan must have looked where the passwords are written (not an empty walk that finds nothing).
        Assert.True(scanned > 50, $"only {scanned} files scanned under {Repository.Root}");
        Assert.True(findings.Count == 0, "possible secrets:" + Environment.NewLine + string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void The_scan_reads_the_forms_the_repository_uses()
    {
        // The Grafana datasource writes its password as YAML, compose as env entries: the scan must see both.
        var datasource = File.ReadAllLines(Repository.PathOf("grafana/provisioning/datasources/redis.yaml"));
        Assert.Contains(datasource, line => YamlKey().IsMatch(line));
        var compose = File.ReadAllLines(Repository.PathOf("docker-compose.yml"));
        Assert.Contains(compose, line => YamlKey().IsMatch(line) || Assignment().IsMatch(line));
    }

    [Fact]
    public void Env_files_and_rendered_ACL_files_are_ignored_and_not_committed()
    {
        var ignore = File.ReadAllLines(Repository.PathOf(".gitignore"));
        Assert.Contains(".env", ignore);
        Assert.DoesNotContain(SourceFiles(), f => Path.GetFileName(f) is ".env" or "users.acl");
        Assert.Matches("(?m)^REDIS_PASSWORD=change-me", File.ReadAllText(Repository.PathOf(".env.example")));
    }

    /// <summary>Every password value in <paramref name="text"/> that is not a placeholder, as "file:line: text".</summary>
    private static IEnumerable<string> Findings(string file, string text)
    {
        var yaml = Path.GetExtension(file) is ".yml" or ".yaml" or ".md";
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var values = Assignment().Matches(line).Select(m => m.Groups["value"].Value)
                .Concat(JsonMember().Matches(line).Select(m => m.Groups["value"].Value));
            if (yaml && YamlKey().Match(line) is { Success: true } key)
            {
                values = values.Append(Unquote(StripComment(key.Groups["value"].Value)));
            }

            foreach (var value in values)
            {
                if (value.Length > 0 && !Placeholder().IsMatch(value) && !KnownNonSecrets.Contains((file, value)))
                {
                    yield return $"{file}:{lineNumber}: {line.Trim()}";
                }
            }
        }
    }

    private static string StripComment(string value) =>
        value.StartsWith('"') || value.StartsWith('\'') ? value : Regex.Replace(value, @"\s+#.*$", string.Empty);

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    /// <summary>Every text file a commit could hold: build output, git internals and tests' literal fixtures left out.</summary>
    private static IEnumerable<string> SourceFiles()
    {
        string[] skipped = ["bin", "obj", ".git", ".run", "node_modules", "TestResults", "StrykerOutput"];
        string[] extensions = [".cs", ".csproj", ".props", ".json", ".yml", ".yaml", ".sh", ".py", ".md", ".lua", ".template", ".example", ".env", ".acl", ".conf", ""];
        var pending = new Stack<string>([Repository.Root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!skipped.Contains(Path.GetFileName(sub)))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                // This file holds the known-bad samples the scan must flag.
                if (extensions.Contains(Path.GetExtension(file)) && Path.GetFileName(file) != "NoSecretsTests.cs")
                {
                    yield return file;
                }
            }
        }
    }
}
