namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>A way a crowd behaves, as a plan of arrivals and orders that can be checked without Redis.</summary>
public interface IBuyerProfile
{
    /// <summary>The profile's name as given to <c>run --profile</c>.</summary>
    string Name { get; }

    /// <summary>One line with the profile's parameters, printed when a run starts.</summary>
    string Describe(LoadSettings settings);

    /// <summary>Every customer of the run, ordered by arrival.</summary>
    IReadOnlyList<BuyerPlan> Plan(LoadSettings settings, Random random);
}
