using KvmTune.Reports.Exporters;

namespace KvmTune.Reports.Tests;

public class ReportSnapshotTests
{
    [Fact]
    public void Markdown_report_of_a_fixed_run_matches_its_snapshot()
    {
        Snapshot.Match(new MarkdownReportExporter().Export(SyntheticRun.Model()), "report.md");
    }

    [Fact]
    public void Json_report_of_a_fixed_run_matches_its_snapshot()
    {
        Snapshot.Match(new JsonReportExporter().Export(SyntheticRun.Model()), "report.json");
    }

    [Fact]
    public void Unknown_formats_are_bad_input()
    {
        var e = Assert.Throws<KvmTune.Core.InputException>(() => ReportExporters.For("pdf"));
        Assert.Equal("--format: unknown report format 'pdf' (expected html, md, json)", e.Message);
    }
}
