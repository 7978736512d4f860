namespace PopupStore.LoadClient.Cli;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An invariant failed, orders stayed unanswered, or a sale start conflicted.</summary>
    public const int Failed = 1;

    /// <summary>Wrong or missing options.</summary>
    public const int Usage = 2;

    /// <summary>Redis unreachable or refused the credentials.</summary>
    public const int Unavailable = 3;
}
