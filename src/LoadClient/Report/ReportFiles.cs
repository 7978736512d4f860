using System.Text.Json;

namespace PopupStore.LoadClient.Report;

/// <summary>Writes the report's files: JSON when asked for, the HTML chart page always.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// The folder for reports without <c>--report-html</c>: <c>POPUPSTORE_REPORT_DIR</c> when set (the container sets
    /// it to its mounted <c>/reports</c>), else <c>.run</c> under the current folder.
    /// </summary>
    public const string DirectoryVariable = "POPUPSTORE_REPORT_DIR";

    /// <summary>Where the HTML page goes without <c>--report-html</c>: <c>report-&lt;run id&gt;.html</c> in the report folder.</summary>
    public static FileInfo DefaultHtml(string runId, string? directory = null) =>
        new(Path.Combine(directory ?? DefaultDirectory(), $"report-{runId}.html"));

    private static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured ? configured : ".run";

    public static async Task<FileInfo> WriteJsonAsync(RunReport report, FileInfo file)
    {
        file.Directory?.Create();
        await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, Json));
        return file;
    }

    public static async Task<FileInfo> WriteHtmlAsync(RunReport report, FileInfo file)
    {
        file.Directory?.Create();
        await File.WriteAllTextAsync(file.FullName, HtmlReport.Render(report));
        return file;
    }
}
