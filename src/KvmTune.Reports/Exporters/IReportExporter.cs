using KvmTune.Core;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>Writes a <see cref="ReportModel"/> in one format. One class per format.</summary>
public interface IReportExporter
{
    /// <summary>The <c>--format</c> name (<c>html</c>, <c>md</c>, <c>json</c>).</summary>
    string Format { get; }

    /// <summary>The file extension, with the dot.</summary>
    string Extension { get; }

    string Export(ReportModel model);
}

/// <summary>The exporters by format name.</summary>
public static class ReportExporters
{
    public static IReadOnlyList<IReportExporter> All { get; } = [new HtmlReportExporter(), new MarkdownReportExporter(), new JsonReportExporter()];

    /// <summary>The exporter for <paramref name="format"/>; throws <see cref="InputException"/> for an unknown one.</summary>
    public static IReportExporter For(string format) =>
        All.FirstOrDefault(e => e.Format == format)
        ?? throw new InputException($"--format: unknown report format '{format}' (expected {string.Join(", ", All.Select(e => e.Format))})");
}
