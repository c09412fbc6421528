using KvmTune.Reports.Model;
using ScottPlot;

namespace KvmTune.Reports.Charts;

/// <summary>Which figure a throughput chart shows.</summary>
public enum ThroughputMetric
{
    Iops,
    MBps,
}

/// <summary>
/// Draws the report's charts with ScottPlot (rendered by SkiaSharp to PNG). Each method returns null when the
/// profile has nothing to draw.
/// </summary>
public static class ChartRenderer
{
    public const int Width = 960;

    private static readonly Color Winner = Color.FromHex("#2e7d32");
    private static readonly Color Tie = Color.FromHex("#66bb6a");
    private static readonly Color Ranked = Color.FromHex("#5c7cfa");
    private static readonly Color Excluded = Color.FromHex("#bdbdbd");
    private static readonly Color NotRanked = Color.FromHex("#ffb74d");
    private static readonly Color Ceiling = Color.FromHex("#d32f2f");
    private static readonly Color Harness = Color.FromHex("#7b1fa2");
    private static readonly Color Whisker = Color.FromHex("#212121");

    /// <summary>Colour of a candidate's status, shared by the charts and the HTML legend.</summary>
    public static string StatusColor(string status) => ColorOf(status).ToHex();

    /// <summary>
    /// Horizontal bars of the qemu engine's median per candidate, 95% confidence whiskers, and the host engine's
    /// ceiling for each candidate's backend as a red dashed mark.
    /// </summary>
    public static byte[]? Throughput(ProfileSection profile, ThroughputMetric metric)
    {
        ArgumentNullException.ThrowIfNull(profile);
        // Not-ranked results (harness-bound, skipped) stay in the tables: a harness-bound bar would only squash the scale.
        var rows = profile.Candidates.Where(r => r.Engine == "qemu" && r.Repeats > 0 && r.Status != "not ranked").ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        var plot = NewPlot();
        var n = rows.Count;
        var bars = new List<Bar>();
        var labels = new string[n];
        var positions = new double[n];
        var ceilingShown = false;
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            var y = n - 1 - i;
            positions[i] = y;
            labels[i] = r.CandidateId;
            var (median, low, high) = metric == ThroughputMetric.Iops ? (r.IopsMedian, r.IopsLow, r.IopsHigh) : (r.MBpsMedian, r.MBpsLow, r.MBpsHigh);
            bars.Add(new Bar
            {
                Position = y,
                Value = median,
                Size = 0.7,
                FillColor = ColorOf(r.Status),
                LineWidth = 0,
                Orientation = Orientation.Horizontal,
            });
            AddSegment(plot, low, y, high, y, Whisker, 1.5f, LinePattern.Solid);
            AddSegment(plot, low, y - 0.15, low, y + 0.15, Whisker, 1.5f, LinePattern.Solid);
            AddSegment(plot, high, y - 0.15, high, y + 0.15, Whisker, 1.5f, LinePattern.Solid);
            var ceiling = CeilingOf(profile, r, metric);
            if (ceiling is { } c)
            {
                var line = AddSegment(plot, c, y - 0.45, c, y + 0.45, Ceiling, 2.5f, LinePattern.Dashed);
                if (!ceilingShown)
                {
                    line.LegendText = "host ceiling (host engine)";
                    ceilingShown = true;
                }
            }
        }
        var harness = metric == ThroughputMetric.Iops ? profile.HarnessCeilingIops : profile.HarnessCeilingMBps;
        if (harness is { } h && h <= 3 * bars.Max(b => Math.Max(b.Value, 1)))
        {
            // Drawn only when it is within the chart's scale; far above the candidates it only says the harness is not the limit.
            var line = AddSegment(plot, h, -0.5, h, n - 0.5, Harness, 2f, LinePattern.Dotted);
            line.LegendText = "harness ceiling (null-co)";
            ceilingShown = true;
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks(positions, labels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.08, bottom: 0.05, top: 0.05);
        var unit = metric == ThroughputMetric.Iops ? "IOPS" : "MB/s";
        plot.Title($"{profile.Name}: median {unit} (qemu engine), 95% CI whiskers", 14);
        plot.XLabel(unit, 12);
        if (ceilingShown)
        {
            plot.ShowLegend(Alignment.LowerRight);
        }
        return plot.GetImageBytes(Width, 90 + 32 * n, ImageFormat.Png);
    }

    /// <summary>Latency p50 and p99 per result that recorded them (host ceilings, qemu, guest), in microseconds.</summary>
    public static byte[]? Latency(ProfileSection profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var rows = profile.HostCeilings
            .Where(c => c.LatencyP50Us is not null || c.LatencyP99Us is not null)
            .Select(c => (Label: $"host: {c.Backend}", c.LatencyP50Us, c.LatencyP99Us))
            .Concat(profile.Candidates
                .Where(r => r.LatencyP50Us is not null || r.LatencyP99Us is not null)
                .Select(r => (Label: $"{r.Engine}: {r.CandidateId}", r.LatencyP50Us, r.LatencyP99Us)))
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        var plot = NewPlot();
        var n = rows.Count;
        var p50 = new List<Bar>();
        var p99 = new List<Bar>();
        var positions = new double[n];
        var labels = new string[n];
        for (var i = 0; i < n; i++)
        {
            var y = (n - 1 - i) * 3.0;
            positions[i] = y + 0.5;
            labels[i] = rows[i].Label;
            p50.Add(new Bar { Position = y + 1, Value = rows[i].LatencyP50Us ?? 0, Size = 0.9, FillColor = Ranked, LineWidth = 0, Orientation = Orientation.Horizontal });
            p99.Add(new Bar { Position = y, Value = rows[i].LatencyP99Us ?? 0, Size = 0.9, FillColor = NotRanked, LineWidth = 0, Orientation = Orientation.Horizontal });
        }
        var a = plot.Add.Bars(p50);
        a.Horizontal = true;
        a.LegendText = "p50";
        var b = plot.Add.Bars(p99);
        b.Horizontal = true;
        b.LegendText = "p99";
        plot.Axes.Left.SetTicks(positions, labels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.08, bottom: 0.05, top: 0.05);
        plot.Title($"{profile.Name}: completion latency percentiles", 14);
        plot.XLabel("µs", 12);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, 90 + 40 * n, ImageFormat.Png);
    }

    /// <summary>Per-second IOPS of cached modes (and the winner): where the host page cache stops absorbing writes.</summary>
    public static byte[]? BurstVsSustained(ProfileSection profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Series.Count == 0)
        {
            return null;
        }
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var s in profile.Series)
        {
            var xs = Enumerable.Range(1, s.PerSecondIops.Count).Select(x => (double)x).ToArray();
            var line = plot.Add.ScatterLine(xs, [.. s.PerSecondIops], palette.GetColor(i++));
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = s.CandidateId == profile.Winner ? $"{s.CandidateId} (winner)" : s.CandidateId;
        }
        plot.Title($"{profile.Name}: IOPS per second, burst vs sustained", 14);
        plot.XLabel("second of the run", 12);
        plot.YLabel("IOPS", 12);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, 380, ImageFormat.Png);
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    private static double? CeilingOf(ProfileSection profile, CandidateRow row, ThroughputMetric metric)
    {
        var c = profile.HostCeilings.FirstOrDefault(h => h.Backend == row.Backend);
        return c is null ? null : metric == ThroughputMetric.Iops ? c.IopsMedian : c.MBpsMedian;
    }

    private static ScottPlot.Plottables.LinePlot AddSegment(Plot plot, double x1, double y1, double x2, double y2, Color color, float width, LinePattern pattern)
    {
        var line = plot.Add.Line(x1, y1, x2, y2);
        line.LineColor = color;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
        return line;
    }

    private static Color ColorOf(string status) => status switch
    {
        "winner" or "winner (tie)" => Winner,
        "tie" => Tie,
        "ranked" => Ranked,
        "excluded" => Excluded,
        _ => NotRanked,
    };
}
