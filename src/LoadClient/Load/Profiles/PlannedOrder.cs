namespace PopupStore.LoadClient.Load.Profiles;

/// <summary>
/// One order a buyer will write, <paramref name="At"/> after arriving. With <paramref name="OnlyIfUnanswered"/> it is
/// written only while none of the buyer's earlier orders has an answer (a resubmission).
/// </summary>
public sealed record PlannedOrder(TimeSpan At, bool OnlyIfUnanswered = false);
