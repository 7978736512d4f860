using System.ComponentModel.DataAnnotations;
using PopupStore.Core.Durability;

namespace PopupStore.Grains.Orders;

/// <summary>
/// How each silo consumes queue:orders. Bound from the <c>Processing</c> configuration section and validated by the
/// options framework at start (bounds as attributes, relations between settings in <see cref="Validate"/>); the
/// defaults here are the only ones.
/// </summary>
public sealed class OrderProcessingOptions : IValidatableObject
{
    public const string SectionName = "Processing";

    /// <summary>Poller grains (group consumers) per silo.</summary>
    [Range(1, 64, ErrorMessage = "Processing:PollersPerSilo must be between {1} and {2}.")]
    public int PollersPerSilo { get; set; } = 2;

    /// <summary>Entries read per XREADGROUP.</summary>
    [Range(1, 10_000, ErrorMessage = "Processing:BatchSize must be between {1} and {2}.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a poller waits before reading again after finding the stream empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00", ErrorMessage = "Processing:PollInterval must be at least 1 ms.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest wait between reads while the stream stays empty (the interval doubles up to it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00", ErrorMessage = "Processing:MaxPollInterval must be at least 1 ms.")]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Entries idle this long in another consumer's pending list are claimed (its silo is presumed dead).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00", ErrorMessage = "Processing:ClaimIdleTime must be at least 100 ms.")]
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a poller looks for entries to claim.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "365.00:00:00", ErrorMessage = "Processing:ClaimInterval must be at least 10 ms.")]
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most orders one completion script call answers (concurrent completions are coalesced).</summary>
    [Range(1, 2_000, ErrorMessage = "Processing:CompletionBatchSize must be between {1} and {2}.")]
    public int CompletionBatchSize { get; set; } = 256;

    /// <summary>Completion script calls in flight at once per silo; while they run, the next batch fills.</summary>
    [Range(1, 64, ErrorMessage = "Processing:CompletionCallsInFlight must be between {1} and {2}.")]
    public int CompletionCallsInFlight { get; set; } = 4;

    /// <summary>
    /// How long a poller waits before retrying entries that failed. Keep it well under
    /// <see cref="ClaimIdleTime"/>, or another poller claims them mid-retry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Processing:RetryDelay must not be negative.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After this many failed attempts an entry is answered <c>invalid</c> and moved aside.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Processing:MaxDeliveries must be at least 1.")]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How often the silo pings its pollers so they stay active.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "365.00:00:00", ErrorMessage = "Processing:KeepAliveInterval must be at least 10 ms.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a silo reads the sale's window (for the closed fast path and the fence at its end).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "365.00:00:00", ErrorMessage = "Processing:SaleWatchInterval must be at least 10 ms.")]
    public TimeSpan SaleWatchInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a silo looks for consumers of dead silos to remove from group popup.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "365.00:00:00", ErrorMessage = "Processing:ConsumerCleanupInterval must be at least 100 ms.")]
    public TimeSpan ConsumerCleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A consumer of a silo that is no longer active, with nothing pending, idle this long is removed.</summary>
    public TimeSpan ConsumerCleanupIdleTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest time one poller tick keeps reading full batches before yielding its turn.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00", ErrorMessage = "Processing:MaxTickDuration must be at least 1 ms.")]
    public TimeSpan MaxTickDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether a buyer is told an outcome only once a replica holds it: <c>Auto</c> (on when the connection string
    /// names Sentinels or the primary has a replica), <c>On</c>, or <c>Off</c>.
    /// </summary>
    [EnumDataType(typeof(DurabilityMode), ErrorMessage = "Processing:DurableAnswers must be Auto, On or Off.")]
    public DurabilityMode DurableAnswers { get; set; } = DurabilityMode.Auto;

    /// <summary>Replicas that must hold an outcome before it is told, while answers are durable.</summary>
    [Range(1, 16, ErrorMessage = "Processing:DurableReplicas must be between {1} and {2}.")]
    public int DurableReplicas { get; set; } = 1;

    /// <summary>Longest WAIT of one confirmation round; a round that falls short is repeated, answers held meanwhile.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00", ErrorMessage = "Processing:DurableWait must be between 1 ms and 1 minute.")]
    public TimeSpan DurableWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The checks that involve the grain call timeout: a poller's batch waits for its slowest grain call
    /// (at most <paramref name="grainResponseTimeout"/>) and then possibly a retry pause, all while its
    /// entries age in the pending list. Were ClaimIdleTime not longer than that, a batch waiting on one
    /// slow call would be claimed and replayed by another poller every time.
    /// </summary>
    public IEnumerable<string> Validate(TimeSpan grainResponseTimeout)
    {
        // Only the relation: the options' own checks run in their own validator, so nothing is reported twice.
        var needed = grainResponseTimeout + RetryDelay + MaxTickDuration;
        if (ClaimIdleTime <= needed)
        {
            yield return $"{SectionName}:ClaimIdleTime ({ClaimIdleTime}) must be longer than the grain response timeout "
                + $"({grainResponseTimeout}) + RetryDelay ({RetryDelay}) + MaxTickDuration ({MaxTickDuration}) = {needed}, "
                + "or batches waiting on one slow call are claimed and replayed; raise it or lower Orleans:Messaging:ResponseTimeout.";
        }
    }

    /// <summary>The relations between settings; each bound on its own is an attribute above.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxPollInterval < PollInterval)
        {
            yield return new ValidationResult($"{SectionName}:MaxPollInterval must be at least PollInterval.", [nameof(MaxPollInterval)]);
        }

        if (RetryDelay >= ClaimIdleTime)
        {
            yield return new ValidationResult($"{SectionName}:RetryDelay must be shorter than ClaimIdleTime.", [nameof(RetryDelay)]);
        }

        if (ConsumerCleanupIdleTime < ClaimIdleTime)
        {
            yield return new ValidationResult($"{SectionName}:ConsumerCleanupIdleTime must be at least ClaimIdleTime.", [nameof(ConsumerCleanupIdleTime)]);
        }
    }
}
