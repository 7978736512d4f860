using System.Globalization;
using System.Text.RegularExpressions;
using PopupStore.LoadClient.Report;

namespace PopupStore.Tests.LoadClient;

public sealed partial class HtmlReportTests
{
    [Fact]
    public void The_page_has_the_three_charts()
    {
        var html = HtmlReport.Render(SyntheticRun.Report());

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(html, "<svg "));
        Assert.Contains($"<svg id=\"{AnswersChart.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains($"<svg id=\"{UnitsLeftChart.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains($"<svg id=\"{LatencyChart.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("test1234", html, StringComparison.Ordinal);
        Assert.Contains("stock never below zero", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_needs_nothing_from_elsewhere()
    {
        var html = HtmlReport.Render(SyntheticRun.Report());

        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_coordinate_is_a_finite_number_inside_the_chart()
    {
        var html = HtmlReport.Render(SyntheticRun.Report());

        var values = Coordinates().Matches(html).Select(m => m.Groups["v"].Value)
            .Concat(Points().Matches(html).SelectMany(m => m.Groups["v"].Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
        Assert.NotEmpty(values);
        Assert.All(values, v =>
        {
            Assert.True(double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var number), $"'{v}' is not a number");
            Assert.InRange(number, 0, 1000);
        });
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_charts_draw_the_figures()
    {
        var report = SyntheticRun.Report();
        var html = HtmlReport.Render(report);

        // One bar per non-empty (second, outcome): 2 + 2 + 2; one tooltip names each.
        Assert.Contains("<title>0s: complete 3/s</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>1s: sold-out 2/s</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>2s: invalid 1/s</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>500 ms–1 s: 4 orders</title>", html, StringComparison.Ordinal);
        Assert.Contains("p50 700 ms", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Resubmissions_are_named_when_there_were_some()
    {
        Assert.DoesNotContain("resubmitted", HtmlReport.Render(SyntheticRun.Report()), StringComparison.Ordinal);
        Assert.Contains("7 resubmitted after no answer", HtmlReport.Render(SyntheticRun.Report() with { Resubmitted = 7 }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_answers_still_renders()
    {
        var empty = RunReport.Build("empty", 0, [], new Dictionary<string, PopupStore.Core.Outcomes.AnsweredOrder>(), 0, 0, SyntheticRun.Invariants);

        var html = HtmlReport.Render(empty);

        Assert.Equal(3, Regex.Count(html, "<svg "));
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_goes_to_the_path_given()
    {
        var file = new FileInfo(Path.Combine(Path.GetTempPath(), $"popupstore-{Guid.NewGuid():N}", "r.html"));
        try
        {
            var written = await ReportFiles.WriteHtmlAsync(SyntheticRun.Report(), file);

            Assert.True(File.Exists(written.FullName));
            Assert.Contains("<svg id=\"units-left\"", await File.ReadAllTextAsync(written.FullName), StringComparison.Ordinal);
        }
        finally
        {
            file.Directory?.Delete(recursive: true);
        }

        Assert.Equal(Path.Combine(".run", "report-ab12.html"), ReportFiles.DefaultHtml("ab12").ToString());
    }

    [GeneratedRegex(@"\s(?:x|y|x1|y1|x2|y2|width|height)=""(?<v>[^""]*)""")]
    private static partial Regex Coordinates();

    [GeneratedRegex(@"\spoints=""(?<v>[^""]*)""")]
    private static partial Regex Points();
}
