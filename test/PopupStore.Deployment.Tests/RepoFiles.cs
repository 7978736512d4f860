using System.Diagnostics;
using System.Text;
using PopupStore.Testing;

namespace PopupStore.Deployment.Tests;

/// <summary>Reads repository files and runs tools from the repository root.</summary>
internal static class RepoFiles
{
    public static string Root => Repository.Root;

    public static string PathOf(string relative) => Repository.PathOf(relative);

    public static string Read(string relative)
    {
        var path = PathOf(relative);
        Assert.True(File.Exists(path), $"expected file {relative} at {path}");
        return File.ReadAllText(path);
    }

    /// <summary>Full path of an executable found on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
    {
        public string Combined => StdOut + Environment.NewLine + StdErr;
    }

    /// <summary>Runs a program in the repository root; kills it (and fails) after the timeout.</summary>
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
        }

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }
}
