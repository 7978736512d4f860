namespace PopupStore.Core.Invariants;

/// <summary>One invariant of docs/design.md, checked against Redis.</summary>
public sealed record InvariantResult(string Name, bool Passed, string Detail);
