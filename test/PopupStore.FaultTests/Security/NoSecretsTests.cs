using System.Text.RegularExpressions;
using PopupStore.FaultTests.Infrastructure;

namespace PopupStore.FaultTests.Security;

/// <summary>No real credential is committed: every password in the repository is a placeholder.</summary>
public sealed partial class NoSecretsTests
{
    /// <summary>
    /// Values allowed after <c>password=</c>: an environment reference ($X, ${X...}), an interpolation
    /// ({x}), an ellipsis, a name in capitals (a variable, e.g. PASSWORD), or a value that says it is
    /// fake (change-me, test, nope, wrong, not-the-...).
    /// </summary>
    [GeneratedRegex(@"^(\$\{?[A-Za-z_]|\{[A-Za-z_]|\.\.\.|<|[A-Z_]+$)|change-me|test|nope|wrong|not-the|example", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>
    /// <c>password=value</c> as connection strings and env files write it, a quoted literal assigned to a
    /// password in code, and <c>requirepass value</c>. Code assigning one variable to another is not a secret.
    /// </summary>
    [GeneratedRegex(@"(?i)(password=(?!=)[""']?|password\s*=\s*[""']|requirepass\s+[""']?)(?<value>[^\s,;""'`)\]]*)", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [Fact]
    public void Committed_files_hold_no_password_other_than_placeholders()
    {
        var findings = new List<string>();
        foreach (var file in SourceFiles())
        {
            var relative = Path.GetRelativePath(RepoFiles.Root, file);
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                foreach (Match match in Assignment().Matches(line))
                {
                    var value = match.Groups["value"].Value;
                    if (value.Length > 0 && !Placeholder().IsMatch(value))
                    {
                        findings.Add($"{relative}:{lineNumber}: {line.Trim()}");
                    }
                }
            }
        }

        Assert.True(findings.Count == 0, "possible secrets:" + Environment.NewLine + string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void Env_files_and_rendered_ACL_files_are_ignored_and_not_committed()
    {
        var ignore = File.ReadAllLines(RepoFiles.PathOf(".gitignore"));
        Assert.Contains(".env", ignore);
        Assert.DoesNotContain(SourceFiles(), f => Path.GetFileName(f) is ".env" or "users.acl");
        Assert.Matches("(?m)^REDIS_PASSWORD=change-me", File.ReadAllText(RepoFiles.PathOf(".env.example")));
    }

    /// <summary>Every text file a commit could hold: build output, git internals and tests' literal fixtures left out.</summary>
    private static IEnumerable<string> SourceFiles()
    {
        string[] skipped = ["bin", "obj", ".git", ".run", "node_modules", "TestResults"];
        string[] extensions = [".cs", ".csproj", ".props", ".json", ".yml", ".yaml", ".sh", ".py", ".md", ".lua", ".template", ".example", ".env", ".acl", ".conf", ""];
        var pending = new Stack<string>([RepoFiles.Root]);
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
                // This file names the patterns it looks for.
                if (extensions.Contains(Path.GetExtension(file)) && Path.GetFileName(file) != "NoSecretsTests.cs")
                {
                    yield return file;
                }
            }
        }
    }
}
