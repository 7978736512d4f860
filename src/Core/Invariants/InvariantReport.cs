namespace PopupStore.Core.Invariants;

public sealed record InvariantReport(IReadOnlyList<InvariantResult> Results)
{
    public bool AllPassed => Results.All(r => r.Passed);

    public IEnumerable<InvariantResult> Failures => Results.Where(r => !r.Passed);

    public override string ToString() =>
        string.Join(Environment.NewLine, Results.Select(r => $"{(r.Passed ? "ok  " : "FAIL")} {r.Name}: {r.Detail}"));
}
