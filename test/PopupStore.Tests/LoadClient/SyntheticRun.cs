using PopupStore.Core.Invariants;
using PopupStore.Core.Orders;
using PopupStore.Core.Outcomes;
using PopupStore.LoadClient.Report;

namespace PopupStore.Tests.LoadClient;

/// <summary>A run made of outcomes written by hand: times are milliseconds after <see cref="T0"/>, as stream ids.</summary>
public static class SyntheticRun
{
    public const long T0 = 1_700_000_000_000;

    public static AnsweredOrder Answer(string order, OrderResult result, long arrivedMs, long answeredMs, int seq = 0) =>
        new(order, "c-" + order, result, $"{T0 + arrivedMs}-{seq}", $"{T0 + answeredMs}-{seq}", string.Empty);

    /// <summary>
    /// 10 orders, one unanswered: second 0 answers 3 complete and 1 duplicate; second 1 answers 1 complete,
    /// 2 sold-out; second 2 answers 1 sold-out and 1 invalid. Product left 0 (5 units on sale, all sold).
    /// </summary>
    public static IReadOnlyList<AnsweredOrder> Answers { get; } =
    [
        Answer("o-1", OrderResult.Complete, 0, 4),
        Answer("o-2", OrderResult.Complete, 0, 12),
        Answer("o-3", OrderResult.Complete, 100, 150),
        Answer("o-4", OrderResult.Duplicate, 100, 900),
        Answer("o-5", OrderResult.Complete, 500, 1_200),
        Answer("o-6", OrderResult.SoldOut, 900, 1_500),
        Answer("o-7", OrderResult.SoldOut, 1_000, 1_999),
        Answer("o-8", OrderResult.SoldOut, 1_100, 2_100),
        Answer("o-9", OrderResult.Invalid, 1_100, 2_900),
    ];

    public static IReadOnlyList<string> Written { get; } = [.. Answers.Select(a => a.OrderId), "o-10"];

    public static InvariantReport Invariants { get; } = new([new InvariantResult("stock never below zero", true, "product = 0")]);

    public static RunReport Report() => RunReport.Build(
        "test1234", 9, Written, Answers.ToDictionary(a => a.OrderId), doubleAnswers: 0, productLeft: 0, Invariants);
}
