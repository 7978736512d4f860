namespace PopupStore.Grains.Orders;

/// <summary>How each silo consumes queue:orders. Bound from the <c>Processing</c> configuration section.</summary>
public sealed class OrderProcessingOptions
{
    public const string SectionName = "Processing";

    /// <summary>Poller grains (group consumers) per silo.</summary>
    public int PollersPerSilo { get; set; } = 2;

    /// <summary>Entries read per XREADGROUP.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a poller waits before reading again after finding the stream empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest wait between reads while the stream stays empty (the interval doubles up to it).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Entries idle this long in another consumer's pending list are claimed (its silo is presumed dead).</summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a poller looks for entries to claim.</summary>
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most orders one completion script call answers (concurrent completions are coalesced).</summary>
    public int CompletionBatchSize { get; set; } = 256;

    /// <summary>Completion script calls in flight at once per silo; while they run, the next batch fills.</summary>
    public int CompletionCallsInFlight { get; set; } = 4;

    /// <summary>
    /// How long a poller waits before retrying entries that failed. Keep it well under
    /// <see cref="ClaimIdleTime"/>, or another poller claims them mid-retry.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After this many failed attempts an entry is answered <c>invalid</c> and moved aside.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How often the silo pings its pollers so they stay active.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a silo reads the sale's window (for the closed fast path and the fence at its end).</summary>
    public TimeSpan SaleWatchInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a silo looks for consumers of dead silos to remove from group popup.</summary>
    public TimeSpan ConsumerCleanupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A consumer of a silo that is no longer active, with nothing pending, idle this long is removed.</summary>
    public TimeSpan ConsumerCleanupIdleTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest time one poller tick keeps reading full batches before yielding its turn.</summary>
    public TimeSpan MaxTickDuration { get; set; } = TimeSpan.FromMilliseconds(250);

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

    public IEnumerable<string> Validate()
    {
        if (PollersPerSilo is < 1 or > 64)
        {
            yield return $"{SectionName}:PollersPerSilo must be between 1 and 64 (was {PollersPerSilo}).";
        }

        if (BatchSize is < 1 or > 10_000)
        {
            yield return $"{SectionName}:BatchSize must be between 1 and 10000 (was {BatchSize}).";
        }

        if (PollInterval < TimeSpan.FromMilliseconds(1))
        {
            yield return $"{SectionName}:PollInterval must be at least 1 ms (was {PollInterval}).";
        }

        if (MaxPollInterval < PollInterval)
        {
            yield return $"{SectionName}:MaxPollInterval must be at least PollInterval (was {MaxPollInterval}).";
        }

        if (ClaimIdleTime < TimeSpan.FromMilliseconds(100))
        {
            yield return $"{SectionName}:ClaimIdleTime must be at least 100 ms (was {ClaimIdleTime}).";
        }

        if (CompletionBatchSize is < 1 or > 2_000)
        {
            yield return $"{SectionName}:CompletionBatchSize must be between 1 and 2000 (was {CompletionBatchSize}).";
        }

        if (CompletionCallsInFlight is < 1 or > 64)
        {
            yield return $"{SectionName}:CompletionCallsInFlight must be between 1 and 64 (was {CompletionCallsInFlight}).";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay >= ClaimIdleTime)
        {
            yield return $"{SectionName}:RetryDelay must be between 0 and ClaimIdleTime (was {RetryDelay}).";
        }

        if (SaleWatchInterval < TimeSpan.FromMilliseconds(10))
        {
            yield return $"{SectionName}:SaleWatchInterval must be at least 10 ms (was {SaleWatchInterval}).";
        }

        if (ConsumerCleanupInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"{SectionName}:ConsumerCleanupInterval must be at least 100 ms (was {ConsumerCleanupInterval}).";
        }

        if (ConsumerCleanupIdleTime < ClaimIdleTime)
        {
            yield return $"{SectionName}:ConsumerCleanupIdleTime must be at least ClaimIdleTime (was {ConsumerCleanupIdleTime}).";
        }

        if (MaxDeliveries < 1)
        {
            yield return $"{SectionName}:MaxDeliveries must be at least 1 (was {MaxDeliveries}).";
        }
    }
}
