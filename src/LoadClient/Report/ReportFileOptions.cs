namespace PopupStore.LoadClient.Report;

/// <summary>Where <c>run</c> writes its report files: JSON only when asked, HTML always (a default path when null).</summary>
public sealed record ReportFileOptions(FileInfo? Json = null, FileInfo? Html = null);
