namespace PopupStore.Bench.Floor.Grains;

/// <summary>Calls customer grains the way a poller does: a batch of calls at once, then the next batch.</summary>
[Alias("PopupStore.Bench.Floor.IFloorCallerGrain")]
public interface IFloorCallerGrain : IGrainWithStringKey
{
    /// <summary>
    /// One call to each of the customers <c>prefix-0</c> to <c>prefix-(customers - 1)</c>; returns the answers counted.
    /// With <paramref name="wait"/> each grain waits for a batched answer inside its turn.
    /// </summary>
    [Alias("CallCustomers")]
    Task<int> CallCustomers(string prefix, int customers, int batchSize, bool wait);
}
