namespace PopupStore.LoadClient.Live;

/// <summary>Per-second rates over the last couple of seconds, from the <c>sale:counts</c> counters.</summary>
public sealed record LiveRates(double CompletedPerSecond, double RejectedPerSecond)
{
    public static readonly LiveRates None = new(0, 0);

    public double AnsweredPerSecond => CompletedPerSecond + RejectedPerSecond;
}
