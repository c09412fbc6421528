using System.Globalization;
using System.Net;
using System.Text;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Charts;

/// <summary>
/// The report's charts as inline SVG, drawn directly (no raster, no library): each scales with the page, stays sharp,
/// and costs a few kilobytes. Each method returns null when the profile has nothing to draw.
/// </summary>
public static class SvgCharts
{
    /// <summary>The width of every chart's coordinate system (it scales to the page).</summary>
    public const int Width = 1000;

    private const int LabelWidth = 330;
    private const int RightMargin = 24;
    private const int RowHeight = 17;
    private const int Top = 40;
    private const int Bottom = 34;

    /// <summary>Colour of a candidate's status, shared by the charts and the HTML legend.</summary>
    public static string StatusColor(string status) => status switch
    {
        "winner" or "winner (tie)" => "#2e7d32",
        "tie" => "#66bb6a",
        "ranked" => "#5c7cfa",
        "excluded" => "#bdbdbd",
        _ => "#ffb74d",
    };

    private const string CeilingColor = "#d32f2f";
    private const string HarnessColor = "#7b1fa2";
    private const string WhiskerColor = "#212121";

    /// <summary>
    /// One row per qemu-engine candidate that was measured and can be compared (winner, tie, ranked, excluded by the
    /// constraints; not skipped, harness-bound or guest rows, which are listed in the table): a bar to the median of
    /// what it is ranked on (the sustained statistic for a cached mode), its 95% interval as a whisker, its burst
    /// median as a hollow diamond when that is not what it is ranked on, and its backend's storage ceiling as a red
    /// dashed tick.
    /// </summary>
    public static string? Ranking(ProfileSection profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var rows = profile.Candidates
            .Where(r => r.Engine == "qemu" && !r.Skipped && r.RankMedian is > 0 && r.Status is not "not ranked" and not "not in workload")
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        var max = rows.Max(r => Math.Max(r.RankHigh ?? 0, Math.Max(Burst(r) ?? 0, r.HostCeilingIops ?? 0)));
        var harness = profile.HarnessCeilingIops is { } h && h <= 1.5 * max ? h : (double?)null;
        max = Math.Max(max, harness ?? 0);
        var (step, top) = Ticks(max);
        var height = Top + (rows.Count * RowHeight) + Bottom;
        var plot = Width - LabelWidth - RightMargin;
        double X(double v) => LabelWidth + (plot * Math.Clamp(v / top, 0, 1));

        var svg = Open("ranking", height, $"{profile.Name}: what each candidate is ranked on (median, 95% interval), burst and storage ceiling");
        svg.Append(Text(LabelWidth, 16, $"{profile.Name}: IOPS ranked on (qemu engine): median, 95% interval", "title"));
        Legend(svg, 34, rows.Any(r => Burst(r) is not null), rows.Any(r => r.HostCeilingIops is not null), harness is not null);
        for (var v = 0.0; v <= top + (step / 2); v += step)
        {
            var x = X(v);
            svg.Append(Line(x, Top - 4, x, height - Bottom, "#e0e0e0", 1));
            svg.Append(Text(x, height - Bottom + 15, Count(v), "tick", "middle"));
        }
        svg.Append(Text(LabelWidth + (plot / 2.0), height - 4, "IOPS", "axis", "middle"));
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = Top + (i * RowHeight);
            var mid = y + (RowHeight / 2.0);
            var burst = Burst(r);
            var tip = $"{r.CandidateId} ({r.Status}): ranked on {(r.RankedOnSustained ? "sustained " : "")}{Count(r.RankMedian!.Value)} IOPS " +
                      $"[{Count(r.RankLow ?? 0)}–{Count(r.RankHigh ?? 0)}]" +
                      (burst is { } b ? $"; burst {Count(b)}" : "") +
                      (r.HostCeilingIops is { } c ? $"; ceiling {Count(c)} ({r.CeilingStrategy})" : "");
            svg.Append(CultureInfo.InvariantCulture, $"<g><title>{E(tip)}</title>");
            svg.Append(Text(LabelWidth - 8, mid + 4, r.CandidateId + (r.RankedOnSustained ? " ·s" : ""), "label", "end"));
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(LabelWidth)}\" y=\"{F(y + 3)}\" width=\"{F(X(r.RankMedian!.Value) - LabelWidth)}\" height=\"{F(RowHeight - 6)}\" fill=\"{StatusColor(r.Status)}\"/>");
            if (r.RankLow is { } low && r.RankHigh is { } high)
            {
                svg.Append(Line(X(low), mid, X(high), mid, WhiskerColor, 1.4));
                svg.Append(Line(X(low), mid - 4, X(low), mid + 4, WhiskerColor, 1.4));
                svg.Append(Line(X(high), mid - 4, X(high), mid + 4, WhiskerColor, 1.4));
            }
            if (burst is { } bx)
            {
                var x = X(bx);
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"burst\" d=\"M{F(x)} {F(mid - 5)} L{F(x + 5)} {F(mid)} L{F(x)} {F(mid + 5)} L{F(x - 5)} {F(mid)} Z\" fill=\"#fff\" stroke=\"{WhiskerColor}\" stroke-width=\"1.3\"/>");
            }
            if (r.HostCeilingIops is { } ceiling)
            {
                var x = X(ceiling);
                svg.Append(CultureInfo.InvariantCulture, $"<line class=\"ceiling\" x1=\"{F(x)}\" y1=\"{F(y + 1)}\" x2=\"{F(x)}\" y2=\"{F(y + RowHeight - 1)}\" stroke=\"{CeilingColor}\" stroke-width=\"2.2\" stroke-dasharray=\"3 2\"/>");
            }
            svg.Append("</g>");
        }
        if (harness is { } hx)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(hx))}\" y1=\"{Top - 4}\" x2=\"{F(X(hx))}\" y2=\"{height - Bottom}\" stroke=\"{HarnessColor}\" stroke-width=\"1.6\" stroke-dasharray=\"1 3\"/>");
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// True when a MB/s chart would only rescale the IOPS chart: every measured qemu row moves the same bytes per
    /// request (a preset profile has one block size), so MB/s = IOPS × that size.
    /// </summary>
    public static bool MBpsOnlyRescalesIops(ProfileSection profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var sizes = profile.Candidates
            .Where(r => r.IopsMedian > 0 && r.MBpsMedian > 0)
            .Select(r => r.MBpsMedian / r.IopsMedian)
            .ToList();
        return sizes.Count == 0 || sizes.Max() / sizes.Min() < 1.01;
    }

    /// <summary>Per-second IOPS of the cached modes' repeats (and the winner's), when some repeat has three seconds or more.</summary>
    public static string? Series(ProfileSection profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var series = profile.Series.Where(s => s.PerSecondIops.Count >= 3).ToList();
        if (series.Count == 0)
        {
            return null;
        }
        const int height = 210;
        var seconds = series.Max(s => s.PerSecondIops.Count);
        var (step, top) = Ticks(series.Max(s => s.PerSecondIops.Max()));
        var plot = Width - LabelWidth - RightMargin;
        double X(int second) => LabelWidth + (plot * (seconds <= 1 ? 0 : (second - 1) / (double)(seconds - 1)));
        double Y(double v) => height - Bottom - ((height - Bottom - Top) * Math.Clamp(v / top, 0, 1));
        string[] palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
        var svg = Open("series", height, $"{profile.Name}: IOPS per second of the cached modes, burst into sustained");
        svg.Append(Text(LabelWidth, 16, $"{profile.Name}: IOPS per second, burst into sustained", "title"));
        for (var v = 0.0; v <= top + (step / 2); v += step)
        {
            svg.Append(Line(LabelWidth, Y(v), Width - RightMargin, Y(v), "#e0e0e0", 1));
            svg.Append(Text(LabelWidth - 6, Y(v) + 4, Count(v), "tick", "end"));
        }
        svg.Append(Text(LabelWidth + (plot / 2.0), height - 4, "second of the repeat", "axis", "middle"));
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var colour = palette[i % palette.Length];
            var points = string.Join(' ', s.PerSecondIops.Select((v, k) => $"{F(X(k + 1))},{F(Y(v))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            svg.Append(Text(12, Top + 4 + (i * 16), (s.CandidateId == profile.Winner ? $"{s.CandidateId} (winner)" : s.CandidateId), "label", "start", colour));
        }
        return svg.Append("</svg>").ToString();
    }

    /// <summary>The burst median of a row ranked on its sustained statistic (the secondary mark), else null.</summary>
    private static double? Burst(CandidateRow r) => r.RankedOnSustained && r.IopsMedian > 0 ? r.IopsMedian : null;

    private static void Legend(StringBuilder svg, double y, bool burst, bool ceiling, bool harness)
    {
        var x = (double)LabelWidth;
        foreach (var status in new[] { "winner", "tie", "ranked", "excluded" })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(y - 9)}\" width=\"10\" height=\"10\" fill=\"{StatusColor(status)}\"/>");
            svg.Append(Text(x + 14, y, status, "legend"));
            x += 14 + (status.Length * 7) + 14;
        }
        svg.Append(Line(x, y - 4, x + 16, y - 4, WhiskerColor, 1.4));
        svg.Append(Text(x + 20, y, "95% interval", "legend"));
        x += 110;
        if (burst)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{F(x + 5)} {F(y - 9)} L{F(x + 10)} {F(y - 4)} L{F(x + 5)} {F(y + 1)} L{F(x)} {F(y - 4)} Z\" fill=\"#fff\" stroke=\"{WhiskerColor}\"/>");
            svg.Append(Text(x + 14, y, "burst (·s: ranked on sustained)", "legend"));
            x += 210;
        }
        if (ceiling)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x + 4)}\" y1=\"{F(y - 10)}\" x2=\"{F(x + 4)}\" y2=\"{F(y + 2)}\" stroke=\"{CeilingColor}\" stroke-width=\"2.2\" stroke-dasharray=\"3 2\"/>");
            svg.Append(Text(x + 12, y, "storage ceiling", "legend"));
            x += 115;
        }
        if (harness)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x + 4)}\" y1=\"{F(y - 10)}\" x2=\"{F(x + 4)}\" y2=\"{F(y + 2)}\" stroke=\"{HarnessColor}\" stroke-width=\"1.6\" stroke-dasharray=\"1 3\"/>");
            svg.Append(Text(x + 12, y, "harness ceiling", "legend"));
        }
    }

    private static StringBuilder Open(string kind, int height, string label) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" data-chart=\"{kind}\" role=\"img\" aria-label=\"{E(label)}\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">");

    private static string Line(double x1, double y1, double x2, double y2, string colour, double width) =>
        $"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"{colour}\" stroke-width=\"{F(width)}\"/>";

    private static string Text(double x, double y, string text, string css, string anchor = "start", string? fill = null) =>
        $"<text x=\"{F(x)}\" y=\"{F(y)}\" class=\"{css}\" text-anchor=\"{anchor}\"{(fill is null ? "" : $" fill=\"{fill}\"")}>{E(text)}</text>";

    /// <summary>A round step (1, 2 or 5 × 10ⁿ) giving at most six ticks up to at least <paramref name="max"/>, and the top tick.</summary>
    public static (double Step, double Top) Ticks(double max)
    {
        if (!(max > 0) || !double.IsFinite(max))
        {
            return (1, 1);
        }
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        return (step, Math.Ceiling(max / step) * step);
    }

    private static string Count(double v) => Core.Decisions.Figures.Count(v);

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
