using System.CommandLine;
using System.Text.Json;

namespace PopupStore.Bench.Floor;

/// <summary>
/// <c>floor</c>: what Orleans alone costs per call on this machine. The benchmark runs it in a process of its own, with
/// the silo's runtime switches, and reads its JSON.
/// </summary>
public static class FloorCommand
{
    public static Command Create()
    {
        var calls = Count("--calls", "Calls of each kind: to this many new customer grains answering at once, as many waiting for an answer, then to the first ones again", 30_000, 100, 10_000_000);
        var batchSize = Count("--batch-size", "Calls sent at once before awaiting their answers (a poller's batch)", 200, 1, 10_000);
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of a sentence" };

        var command = new Command("floor",
            "What Orleans alone costs per call on this machine: one in-process silo, an empty customer grain called in batches, " +
            "once per new grain (an activation per call) answering at once, once per new grain waiting for a batched answer as " +
            "the real customer grain waits for its script, then once more per active grain. No Redis.")
        {
            calls, batchSize, json,
        };
        command.SetAction(async (parse, _) =>
        {
            // Progress goes to stderr so that --json leaves stdout to the result alone.
            var result = await FloorRun.RunAsync(parse.GetValue(calls), parse.GetValue(batchSize), Console.Error);
            Console.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web))
                : $"new grains: {result.NewCpuMicrosecondsPerCall:0.0} us of CPU per call, {result.NewCallsPerSecond:0} calls/s; " +
                  $"new grains waiting for a batched answer: {result.NewWaitingCpuMicrosecondsPerCall:0.0} us, {result.NewWaitingCallsPerSecond:0} calls/s; " +
                  $"active grains: {result.WarmCpuMicrosecondsPerCall:0.0} us, {result.WarmCallsPerSecond:0} calls/s; " +
                  $"{result.Activations} activations, GC {result.NewPhasesGen0}/{result.NewPhasesGen1}/{result.NewPhasesGen2} (gen0/1/2) while activating");
            return 0;
        });
        return command;
    }

    // A whole number in range, parsed by hand so that a wrong value is a parse error, never an exception.
    private static Option<int> Count(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a whole number from {min} to {max}");
            return default;
        },
    };
}
