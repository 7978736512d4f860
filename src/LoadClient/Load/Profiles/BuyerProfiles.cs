namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>The profiles <c>run --profile</c> knows.</summary>
public static class BuyerProfiles
{
    public const string Flash = "flash";
    public const string Steady = "steady";
    public const string Bots = "bots";
    public const string Retry = "retry";

    public static readonly string[] Names = [Steady, Flash, Bots, Retry];
}
