namespace PopupStore.Silo.Storefront;

/// <summary>Whether a request may go on, and if not, after how long one would.</summary>
public readonly record struct TokenAdmission(bool IsAllowed, TimeSpan RetryAfter)
{
    public static TokenAdmission Allowed { get; } = new(true, TimeSpan.Zero);

    public static TokenAdmission Wait(TimeSpan retryAfter) => new(false, retryAfter);
}
