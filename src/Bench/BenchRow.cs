namespace PopupStore.Bench;

/// <summary>One line of the benchmark table.</summary>
public sealed record BenchRow(
    string Name,
    double OrdersPerSecond,
    long? P50,
    long? P99,
    long? Max,
    double? SellOutAfterArrivalSeconds,
    double? PurchaseOrdersPerSecond = null,
    double? SteadyOrdersPerSecond = null,
    long? SteadyP50 = null,
    long? SteadyP99 = null,
    long? SteadyMax = null,
    IReadOnlyList<double>? PeakMemoryMiB = null,
    double? MiBPer100kBuyers = null,
    double? SiloCpuMicrosecondsPerOrder = null,
    bool Passed = true,
    double? RedisCpuMicrosecondsPerOrder = null,
    string? Note = null,
    double? PurchaseRedisCpuMicrosecondsPerOrder = null,
    double? PurchaseClientCpuMicrosecondsPerOrder = null,
    double? PurchaseSiloCpuMicrosecondsPerOrder = null,
    IReadOnlyList<double>? PurchaseSiloCpuSharePercent = null,
    double? SteadyGcPauseLongestMs = null,
    double? SteadyGcPausedPercent = null)
{
    /// <summary>For the limit rows: Redis' own time inside the script calls per order (INFO commandstats).</summary>
    public double? ScriptMicrosecondsPerOrder { get; init; }

    /// <summary>
    /// The flash crowd's share of units sold to the first U customers by arrival, in percent (ArrivalOrder); over
    /// several rounds the lowest, since it is a promise and not a typical value.
    /// </summary>
    public double? FirstComePercent { get; init; }

    /// <summary>For rows with replicas: the replicas' CPU (both processes) per order of the purchase crowd.</summary>
    public double? PurchaseReplicaCpuMicrosecondsPerOrder { get; init; }

    /// <summary>The flash crowd's latest-arriving buyer's arrival rank (U when the units went strictly by arrival).</summary>
    public int? LatestBuyerRank { get; init; }
}
