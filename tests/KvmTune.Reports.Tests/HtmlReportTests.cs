using System.Text.RegularExpressions;
using KvmTune.Reports.Exporters;

namespace KvmTune.Reports.Tests;

public sealed partial class HtmlReportTests
{
    [Fact]
    public void The_html_report_is_self_contained_with_svg_charts_and_the_decision_first()
    {
        // Given the report of a fixed run
        var html = new HtmlReportExporter().Export(SyntheticRun.Model());

        // Then it loads nothing from outside, draws no raster image, and carries one ranking chart per profile and the
        // burst-into-sustained series of random writes (the MB/s chart only rescales IOPS: left out, said so)
        Assert.DoesNotMatch(ExternalResource(), html);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Equal(["ranking", "ranking", "series"], ChartKinds().Matches(html).Select(m => m.Groups["kind"].Value));
        Assert.Contains("the request size here: not drawn again", html, StringComparison.Ordinal);

        // And the decision and the lines to apply come before any measurement
        var measurements = html.IndexOf("<h2>Measurements</h2>", StringComparison.Ordinal);
        Assert.True(html.IndexOf("Winner: <code>raw-prealloc/none/native</code>", StringComparison.Ordinal) is var w && w > 0 && w < measurements);
        Assert.True(html.IndexOf("disk_cachemodes = file=none", StringComparison.Ordinal) is var n && n > 0 && n < measurements);
        Assert.True(html.IndexOf("&lt;driver name=&#39;qemu&#39; type=&#39;raw&#39; cache=&#39;none&#39; io=&#39;native&#39;/&gt;", StringComparison.Ordinal) is var d && d > 0 && d < measurements);
    }

    [Fact]
    public void A_chart_draws_what_is_ranked_with_the_burst_as_a_secondary_mark_and_never_a_skipped_candidate()
    {
        // Given the report of a fixed run whose random writes rank a writeback candidate on its sustained figure
        var html = new HtmlReportExporter().Export(SyntheticRun.Model());
        var charts = Chart().Matches(html).Select(m => m.Value).ToList();
        var writes = charts.Single(c => c.Contains("randwrite-4k-qd32: IOPS ranked on", StringComparison.Ordinal));

        // Then its row is drawn on the sustained figure (53k) with the burst (108k) as a hollow diamond, the storage
        // ceiling as a dashed tick
        Assert.Contains("raw-prealloc/writeback/threads (tie): ranked on sustained 53k", writes, StringComparison.Ordinal);
        Assert.Contains("burst 108k", writes, StringComparison.Ordinal);
        Assert.Contains("class=\"burst\"", writes, StringComparison.Ordinal);
        Assert.Contains("class=\"ceiling\"", writes, StringComparison.Ordinal);

        // And the candidate that cannot start is listed in its table, not drawn as a zero
        Assert.DoesNotContain(charts, c => c.Contains("raw-prealloc/writeback/native", StringComparison.Ordinal));
        Assert.Contains("Not measured, so not drawn: raw-prealloc/writeback/native (KT001)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0 [0–0]", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<svg class=\"chart\" data-chart=\"(?<kind>[a-z]+)\"")]
    private static partial Regex ChartKinds();

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Chart();

    [GeneratedRegex("(src|href)=\"(https?:|//|file:)")]
    private static partial Regex ExternalResource();
}
