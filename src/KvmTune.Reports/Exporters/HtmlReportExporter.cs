using System.Net;
using System.Text;
using KvmTune.Reports.Charts;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>
/// The report as one self-contained HTML file: inline CSS, charts drawn by <see cref="ChartRenderer"/> embedded as
/// PNG <c>data:</c> URIs, no external resource. A tiny inline script counts the charts that decoded and writes the
/// count to <c>body[data-charts-loaded]</c>, so a headless browser can check that every chart rendered.
/// </summary>
public sealed class HtmlReportExporter : IReportExporter
{
    public string Format => "html";

    public string Extension => ".html";

    public string Export(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var h = new StringBuilder();
        var run = model.Run;
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<title>KvmTune report: run ").Append(run.Id).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n");
        h.Append("<body data-charts-loaded=\"0\">\n<main>\n");
        h.Append("<h1>KvmTune report: run ").Append(run.Id).Append("</h1>\n");
        h.Append("<p class=\"meta\"><code>").Append(E(run.Command)).Append("</code> · ").Append(E(run.Status)).Append(" · started ")
         .Append(E(Cells.Time(run.StartedAt))).Append(" · ").Append(E(Cells.Duration(run.Seconds))).Append("</p>\n");

        Decision(h, model.Decision);
        Apply(h, model.Apply);
        h.Append("<h2>Measurements</h2>\n<p class=\"legend\">");
        foreach (var status in new[] { "winner", "tie", "ranked", "excluded", "not ranked" })
        {
            h.Append("<span class=\"swatch\" style=\"background:").Append(ChartRenderer.StatusColor(status)).Append("\"></span>").Append(status).Append(' ');
        }
        h.Append("<span class=\"swatch ceiling\"></span>host ceiling</p>\n");
        foreach (var p in model.Profiles)
        {
            Profile(h, p);
        }
        h.Append("<h2>Host</h2>\n<table class=\"facts\">\n<tr><th>fact</th><th>value</th></tr>\n");
        foreach (var f in model.HostFacts)
        {
            h.Append("<tr><td>").Append(E(f.Key)).Append("</td><td>").Append(E(f.Value)).Append("</td></tr>\n");
        }
        h.Append("</table>\n</main>\n<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static void Decision(StringBuilder h, DecisionSection d)
    {
        h.Append("<section class=\"decision\">\n<h2>Decision</h2>\n");
        h.Append(d.Winner is null
            ? "<p class=\"winner none\">No winner: nothing could be ranked within the constraints.</p>\n"
            : $"<p class=\"winner\">Winner: <code>{E(d.Winner)}</code></p>\n");
        h.Append("<ul>\n<li>constraints: ").Append(E(Cells.Constraints(d.Constraints))).Append("</li>\n");
        h.Append("<li>workload: ").Append(E(Cells.Workload(d.Constraints))).Append("</li>\n");
        foreach (var (type, id) in d.WinnerBySourceType)
        {
            h.Append("<li>best ").Append(E(type)).Append(" backend: <code>").Append(E(id)).Append("</code></li>\n");
        }
        if (d.TieBreak is not null)
        {
            h.Append("<li class=\"tie\">").Append(E(d.TieBreak)).Append("</li>\n");
        }
        h.Append("</ul>\n");
        if (d.Overall.Count > 0)
        {
            h.Append("<table>\n<tr><th>rank</th><th>candidate</th><th>overall score</th><th>interval</th><th></th></tr>\n");
            foreach (var o in d.Overall)
            {
                h.Append($"<tr><td class=\"n\">{o.Rank}</td><td><code>{E(o.CandidateId)}</code></td><td class=\"n\">{o.Score:0.000}</td>" +
                         $"<td class=\"n\">{o.ScoreLow:0.000}–{o.ScoreHigh:0.000}</td><td>{(o.Tied ? "tie" : "")}</td></tr>\n");
            }
            h.Append("</table>\n");
        }
        h.Append("<h3>Rationale</h3>\n<ul class=\"rationale\">\n");
        foreach (var line in d.Rationale)
        {
            h.Append("<li>").Append(E(line)).Append("</li>\n");
        }
        h.Append("</ul>\n</section>\n");
    }

    private static void Apply(StringBuilder h, ApplySection a)
    {
        h.Append("<section class=\"apply\">\n<h2>What to apply</h2>\n");
        if (a.NovaLines.Count > 0)
        {
            h.Append("<h3>nova.conf</h3>\n<pre>").Append(E(a.NovaConf)).Append("</pre>\n");
        }
        if (a.DriverElements.Count > 0)
        {
            h.Append("<h3>libvirt disk driver</h3>\n<table>\n");
            foreach (var (type, element) in a.DriverElements)
            {
                h.Append("<tr><td><code>&lt;disk type='").Append(E(type)).Append("'&gt;</code></td><td><code>").Append(E(element)).Append("</code></td></tr>\n");
            }
            h.Append("</table>\n");
        }
        if (a.FlavorExtraSpecs.Count > 0)
        {
            h.Append("<h3>Flavor QoS extra specs</h3>\n<pre>");
            foreach (var (key, value) in a.FlavorExtraSpecs)
            {
                h.Append("openstack flavor set FLAVOR --property ").Append(E(key)).Append('=').Append(E(value)).Append('\n');
            }
            h.Append("</pre>\n");
        }
        if (a.Notes.Count > 0)
        {
            h.Append("<ul>\n");
            foreach (var note in a.Notes)
            {
                h.Append("<li>").Append(E(note)).Append("</li>\n");
            }
            h.Append("</ul>\n");
        }
        h.Append("<details><summary>Policy file (<code>kvmtune apply --policy FILE</code>)</summary>\n<pre>").Append(E(a.PolicyJson)).Append("</pre>\n</details>\n</section>\n");
    }

    private static void Profile(StringBuilder h, ProfileSection p)
    {
        h.Append("<section class=\"profile\" id=\"profile-").Append(E(p.Name)).Append("\">\n<h3>").Append(E(p.Name))
         .Append(p.Weight > 0 ? $" <small>weight {E(Cells.Weight(p.Weight))}</small>" : " <small>not in the workload</small>").Append("</h3>\n");
        if (p.Winner is not null)
        {
            h.Append("<p>Winner: <code>").Append(E(p.Winner)).Append("</code>").Append(p.Tie.Count > 1 ? $" (tie of {p.Tie.Count})" : "").Append("</p>\n");
        }
        if (p.TieBreak is not null)
        {
            h.Append("<p class=\"tie\">").Append(E(p.TieBreak)).Append("</p>\n");
        }
        Chart(h, ChartRenderer.Throughput(p, ThroughputMetric.Iops), $"{p.Name}: median IOPS per candidate with 95% confidence whiskers and host ceiling", "iops");
        Chart(h, ChartRenderer.Throughput(p, ThroughputMetric.MBps), $"{p.Name}: median MB/s per candidate with 95% confidence whiskers and host ceiling", "mbps");
        var latency = ChartRenderer.Latency(p);
        if (latency is null)
        {
            h.Append("<p class=\"note\">No latency percentiles were recorded for this profile (qemu-img bench reports none).</p>\n");
        }
        Chart(h, latency, $"{p.Name}: latency percentiles p50 and p99", "latency");
        Chart(h, ChartRenderer.BurstVsSustained(p), $"{p.Name}: IOPS per second for cached modes, burst vs sustained", "series");

        h.Append("<table>\n<tr><th>engine</th><th>candidate</th><th>status</th><th>IOPS median [95% CI]</th><th>MB/s median [95% CI]</th>" +
                 "<th>CV</th><th>n</th><th>p50 µs</th><th>p99 µs</th><th>× host</th><th>× best</th><th>burst IOPS</th><th>sustained IOPS</th></tr>\n");
        foreach (var r in p.Candidates)
        {
            var status = r.Code is null ? r.Status : $"{r.Status} ({r.Code})";
            h.Append("<tr class=\"").Append(E(r.Status.Replace(' ', '-').Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal))).Append("\">");
            h.Append($"<td>{E(r.Engine)}</td><td><code>{E(r.CandidateId)}</code></td><td title=\"{E(r.Note ?? "")}\">{E(status)}</td>");
            h.Append($"<td class=\"n\">{E(Cells.Interval(r.IopsMedian, r.IopsLow, r.IopsHigh))}</td><td class=\"n\">{E(Cells.Interval(r.MBpsMedian, r.MBpsLow, r.MBpsHigh))}</td>");
            h.Append($"<td class=\"n\">{E(Cells.Percent(r.IopsCv))}</td><td class=\"n\">{r.Repeats}</td><td class=\"n\">{E(Cells.Latency(r.LatencyP50Us))}</td><td class=\"n\">{E(Cells.Latency(r.LatencyP99Us))}</td>");
            h.Append($"<td class=\"n\">{E(Cells.Ratio(r.RatioToHost))}</td><td class=\"n\">{E(Cells.Ratio(r.RatioToBest))}</td><td class=\"n\">{E(Cells.Count(r.BurstIops))}</td><td class=\"n\">{E(Cells.Count(r.SustainedIops))}</td></tr>\n");
        }
        h.Append("</table>\n");
        if (p.HostCeilings.Count > 0)
        {
            h.Append("<table class=\"ceilings\">\n<tr><th>host ceiling</th><th>IOPS median [95% CI]</th><th>MB/s median [95% CI]</th><th>p50 µs</th><th>p99 µs</th></tr>\n");
            foreach (var c in p.HostCeilings)
            {
                h.Append($"<tr><td>{E(c.Backend)}</td><td class=\"n\">{E(Cells.Interval(c.IopsMedian, c.IopsLow, c.IopsHigh))}</td><td class=\"n\">{E(Cells.Interval(c.MBpsMedian, c.MBpsLow, c.MBpsHigh))}</td>" +
                         $"<td class=\"n\">{E(Cells.Latency(c.LatencyP50Us))}</td><td class=\"n\">{E(Cells.Latency(c.LatencyP99Us))}</td></tr>\n");
            }
            h.Append("</table>\n");
        }
        if (p.HarnessCeilingIops is { } harness)
        {
            h.Append("<p class=\"note\">Harness ceiling (qemu-img bench on null-co): ").Append(E(Cells.Count(harness)))
             .Append(" IOPS; a candidate within 20% of it is harness-bound and not ranked.</p>\n");
        }
        h.Append("</section>\n");
    }

    private static void Chart(StringBuilder h, byte[]? png, string alt, string kind)
    {
        if (png is null)
        {
            return;
        }
        h.Append("<figure><img class=\"chart\" data-chart=\"").Append(kind).Append("\" alt=\"").Append(E(alt))
         .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"></figure>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0; color: #212121; background: #fafafa; }
        main { max-width: 1000px; margin: 0 auto; padding: 1em 1.5em 3em; background: #fff; }
        h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #e0e0e0; padding-bottom: 0.2em; margin-top: 1.6em; }
        .meta { color: #616161; } code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; }
        pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; border-radius: 4px; }
        .winner { font-size: 1.3em; } .winner code { background: #e8f5e9; padding: 0.1em 0.4em; border-radius: 3px; }
        .tie { color: #33691e; } .note { color: #757575; font-style: italic; }
        table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.85em; }
        th, td { border: 1px solid #e0e0e0; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
        th { background: #f5f5f5; } td.n { text-align: right; white-space: nowrap; }
        tr.winner td, tr.winner-tie td { background: #e8f5e9; font-weight: bold; } tr.tie td { background: #f1f8e9; }
        tr.excluded td, tr.not-ranked td { color: #9e9e9e; }
        figure { margin: 0.5em 0; } img.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
        .legend .swatch { display: inline-block; width: 0.9em; height: 0.9em; margin: 0 0.3em 0 0.8em; vertical-align: middle; }
        .legend .ceiling { border-left: 3px dashed #d32f2f; width: 0; }
        ul.rationale li { margin: 0.25em 0; }

        """;

    private const string Script = """
        window.addEventListener('load', function () {
          var ok = 0;
          document.querySelectorAll('img.chart').forEach(function (img) { if (img.complete && img.naturalWidth > 0) { ok++; } });
          document.body.setAttribute('data-charts-loaded', String(ok));
        });

        """;
}
