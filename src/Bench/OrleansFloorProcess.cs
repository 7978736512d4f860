using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PopupStore.Bench;

/// <summary>
/// Runs PopupStore.Bench.Floor in a process of its own (the silo's runtime switches, a silo's GC budget) and reads
/// its JSON: what Orleans alone costs per call to a new customer grain (answering at once, and waiting for a batched
/// answer as the real one waits for its script) and to an active one, on this machine.
/// </summary>
public static class OrleansFloorProcess
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Measured> RunAsync(string dll, int calls, int batchSize, TimeSpan timeout)
    {
        var start = SiloLaunch.StartInfo(dll);
        start.ArgumentList.Add("floor");
        start.ArgumentList.Add("--json");
        start.ArgumentList.Add("--calls");
        start.ArgumentList.Add(calls.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--batch-size");
        start.ArgumentList.Add(batchSize.ToString(CultureInfo.InvariantCulture));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the Orleans floor process");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the Orleans floor run did not finish within {timeout.TotalSeconds:0} s");
        }

        var text = (await output).Trim();
        if (process.ExitCode != 0 || text.Length == 0)
        {
            throw new InvalidOperationException($"the Orleans floor run exited with code {process.ExitCode}: {(await errors).Trim()}");
        }

        return JsonSerializer.Deserialize<Measured>(text.Split('\n')[^1], Json)
            ?? throw new InvalidOperationException($"the Orleans floor run printed no result: {text}");
    }

    /// <summary>The figures of the floor's JSON the benchmark uses.</summary>
    public sealed record Measured(
        int Calls,
        double NewCallsPerSecond,
        double NewCpuMicrosecondsPerCall,
        double NewWaitingCallsPerSecond,
        double NewWaitingCpuMicrosecondsPerCall,
        double WarmCallsPerSecond,
        double WarmCpuMicrosecondsPerCall,
        long Activations);
}
