namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>
/// <c>retry</c>: the crowd arrives at the opening second; each buyer orders once and, while none of its orders has an
/// answer after <c>--retry-after</c>, submits a new order (a new order id), up to <c>--max-retries</c> times.
/// <c>--duplicate-ratio</c> is not used: resubmissions are this crowd's duplicates.
/// </summary>
public sealed class RetryProfile(TimeSpan retryAfter, int maxRetries) : IBuyerProfile
{
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(2);
    public const int DefaultMaxRetries = 3;

    public TimeSpan RetryAfter { get; } = retryAfter > TimeSpan.Zero ? retryAfter : throw new ArgumentOutOfRangeException(nameof(retryAfter));

    public int MaxRetries { get; } = maxRetries >= 0 ? maxRetries : throw new ArgumentOutOfRangeException(nameof(maxRetries));

    public string Name => "retry";

    public string Describe(LoadSettings settings) =>
        $"retry: {settings.Buyers} buyers at once, each resubmitting after {RetryAfter.TotalSeconds:0.###} s without an answer, " +
        $"at most {MaxRetries} times, think {settings.ThinkMinMs}..{settings.ThinkMaxMs} ms";

    public IReadOnlyList<BuyerPlan> Plan(LoadSettings settings, Random random) =>
        Enumerable.Range(0, settings.Buyers)
            .Select(i =>
            {
                var think = CrowdBuyer.Think(settings, random);
                var orders = Enumerable.Range(0, MaxRetries + 1)
                    .Select(attempt => new PlannedOrder(think + (RetryAfter * attempt), OnlyIfUnanswered: attempt > 0))
                    .ToArray();
                return new BuyerPlan(i.ToString(System.Globalization.CultureInfo.InvariantCulture), IsBot: false, TimeSpan.Zero, orders);
            })
            .ToArray();
}
