using System.Text.Json;

namespace PopupStore.LoadClient.Report;

/// <summary>Writes the report's files: JSON when asked for, the HTML chart page always.</summary>
public static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Where the HTML page goes without <c>--report-html</c>: <c>.run/report-&lt;run id&gt;.html</c> under the current folder.</summary>
    public static FileInfo DefaultHtml(string runId) => new(Path.Combine(".run", $"report-{runId}.html"));

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
