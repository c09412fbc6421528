using System.Net;
using System.Text;
using KvmTune.Reports.Charts;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>
/// The report as one self-contained HTML file: inline CSS, charts as inline SVG (<see cref="SvgCharts"/>), no external
/// resource. The decision and the lines to apply come first; each profile's chart draws what the profile is ranked on
/// (the sustained figure for cached modes) with its interval, the burst as a secondary mark and the storage ceiling;
/// skipped candidates are listed, never drawn; tables scroll inside their card. A tiny inline script writes the number
/// of charts, the page's height and the decision block's top to <c>body</c> data attributes once the page has loaded,
/// so that a headless browser can check the layout.
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
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append("<title>KvmTune report: run ").Append(run.Id).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n");
        h.Append("<body data-charts-loaded=\"0\">\n<main>\n");
        h.Append("<h1>KvmTune report: run ").Append(run.Id).Append("</h1>\n");
        h.Append("<p class=\"meta\"><code>").Append(E(run.Command)).Append("</code> · ").Append(E(run.Status)).Append(" · started ")
         .Append(E(Cells.Time(run.StartedAt))).Append(" · ").Append(E(Cells.Duration(run.Seconds))).Append("</p>\n");
        if (run.LoadNote is { } load)
        {
            h.Append("<p class=\"").Append(run.Busy ? "busy" : "quiet").Append("\">").Append(E(load)).Append("</p>\n");
        }

        Decision(h, model.Decision, model.Apply);
        Apply(h, model.Apply);
        h.Append("<h2>Measurements</h2>\n");
        foreach (var p in model.Profiles)
        {
            Profile(h, p);
        }
        h.Append("<section class=\"card\" id=\"host\">\n<h2>Host</h2>\n<div class=\"scroll\">\n<table class=\"facts\">\n<tr><th>fact</th><th>value</th></tr>\n");
        foreach (var f in model.HostFacts)
        {
            h.Append("<tr><td>").Append(E(f.Key)).Append("</td><td>").Append(E(f.Value)).Append("</td></tr>\n");
        }
        h.Append("</table>\n</div>\n</section>\n</main>\n<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static void Decision(StringBuilder h, DecisionSection d, ApplySection a)
    {
        h.Append("<section class=\"card decision\" id=\"decision\">\n<h2>Decision</h2>\n");
        h.Append(d.Winner is null
            ? "<p class=\"winner none\">No winner: nothing could be ranked within the constraints.</p>\n"
            : $"<p class=\"winner\">Winner: <code>{E(d.Winner)}</code></p>\n");
        // The winners' speed ratios with their intervals (the decision's margin), when the decision carries them.
        if (d.Margins.Count > 0)
        {
            h.Append("<ul class=\"margins\">\n");
            foreach (var m in d.Margins)
            {
                h.Append("<li>").Append(E(m.Scope)).Append(": the fastest, <code>").Append(E(m.Fastest)).Append("</code>, is ").Append(E(Cells.Ratio(m.Ratio)))
                 .Append(" [").Append(E(Cells.Ratio(m.Low))).Append('–').Append(E(Cells.Ratio(m.High))).Append("] <code>").Append(E(m.Winner))
                 .Append("</code>: not surely faster by more than the ").Append(E(Core.Decisions.Figures.Percent(m.Margin))).Append(" margin</li>\n");
            }
            h.Append("</ul>\n");
        }
        // What to apply, right under the winner.
        h.Append("<div class=\"apply-lines\">\n");
        if (a.NovaLines.Count > 0)
        {
            h.Append("<div><h3>nova.conf</h3>\n<pre class=\"nova\">").Append(E(a.NovaConf)).Append("</pre></div>\n");
        }
        if (a.DriverElements.Count > 0)
        {
            h.Append("<div><h3>libvirt disk driver</h3>\n<pre class=\"driver\">");
            foreach (var (type, element) in a.DriverElements)
            {
                h.Append(E($"<disk type='{type}'>")).Append('\n').Append("  ").Append(E(element)).Append('\n');
            }
            h.Append("</pre></div>\n");
        }
        h.Append("</div>\n");
        if (d.ImageOptions is { } o)
        {
            h.Append("<div class=\"options\"><h3>Image options</h3>\n<p>").Append(E(o.Sentence)).Append("</p>\n<ul>\n");
            foreach (var line in o.Carriers)
            {
                h.Append("<li>").Append(E(line)).Append("</li>\n");
            }
            h.Append("</ul></div>\n");
        }
        h.Append("<p class=\"constraints\">").Append(E(Cells.Constraints(d.Constraints))).Append(" · workload ").Append(E(Cells.Workload(d.Constraints)));
        foreach (var (type, id) in d.WinnerBySourceType)
        {
            h.Append(" · best ").Append(E(type)).Append(" backend <code>").Append(E(id)).Append("</code>");
        }
        h.Append("</p>\n");
        if (d.TieBreak is not null)
        {
            h.Append("<p class=\"tie\">").Append(E(d.TieBreak)).Append("</p>\n");
        }
        foreach (var line in d.AboveCeiling)
        {
            h.Append("<p class=\"warn\">").Append(E(line)).Append("</p>\n");
        }
        h.Append("<h3>Rationale</h3>\n<div class=\"scroll short\"><ul class=\"rationale\">\n");
        foreach (var line in d.Rationale)
        {
            h.Append("<li>").Append(E(line)).Append("</li>\n");
        }
        h.Append("</ul></div>\n");
        if (d.Overall.Count > 0)
        {
            h.Append("<details><summary>Overall scores (").Append(d.Overall.Count).Append(" candidates)</summary>\n<div class=\"scroll short\">\n<table>\n<tr><th>rank</th><th>candidate</th><th>overall score</th><th>interval</th><th></th></tr>\n");
            foreach (var o2 in d.Overall)
            {
                h.Append($"<tr><td class=\"n\">{o2.Rank}</td><td><code>{E(o2.CandidateId)}</code></td><td class=\"n\">{o2.Score:0.000}</td>" +
                         $"<td class=\"n\">{o2.ScoreLow:0.000}–{o2.ScoreHigh:0.000}</td><td>{(o2.Tied ? "tie" : "")}</td></tr>\n");
            }
            h.Append("</table>\n</div>\n</details>\n");
        }
        h.Append("</section>\n");
    }

    private static void Apply(StringBuilder h, ApplySection a)
    {
        h.Append("<section class=\"card\" id=\"apply\">\n<h2>How to apply</h2>\n");
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
            h.Append("<div class=\"scroll short\"><ul>\n");
            foreach (var note in a.Notes)
            {
                h.Append("<li>").Append(E(note)).Append("</li>\n");
            }
            h.Append("</ul></div>\n");
        }
        h.Append("<details><summary>Policy file (<code>kvmtune apply --policy FILE</code>)</summary>\n<pre>").Append(E(a.PolicyJson)).Append("</pre>\n</details>\n</section>\n");
    }

    private static void Profile(StringBuilder h, ProfileSection p)
    {
        h.Append("<section class=\"card profile\" id=\"profile-").Append(E(p.Name)).Append("\">\n<h3>").Append(E(p.Name))
         .Append(p.Weight > 0 ? $" <small>weight {E(Cells.Weight(p.Weight))}</small>" : " <small>not in the workload</small>").Append("</h3>\n");
        if (p.Winner is not null)
        {
            h.Append("<p>Winner: <code>").Append(E(p.Winner)).Append("</code>").Append(p.Tie.Count > 1 ? $" (tie of {p.Tie.Count})" : "").Append("</p>\n");
        }
        if (p.TieBreak is not null)
        {
            h.Append("<p class=\"tie\">").Append(E(p.TieBreak)).Append("</p>\n");
        }
        if (SvgCharts.Ranking(p) is { } chart)
        {
            h.Append("<figure>").Append(chart).Append("</figure>\n");
        }
        var notes = new List<string>();
        if (SvgCharts.MBpsOnlyRescalesIops(p))
        {
            notes.Add("MB/s is IOPS × the request size here: not drawn again (the table has it).");
        }
        if (p.HarnessCeilingIops is { } harness)
        {
            notes.Add($"Harness ceiling (qemu-img bench on null-co): {Cells.Count(harness)} IOPS; a candidate within 20% of it is harness-bound and not ranked.");
        }
        var skipped = p.Candidates.Where(r => r.Skipped).Select(r => r.Code is null ? r.CandidateId : $"{r.CandidateId} ({r.Code})").Distinct().ToList();
        if (skipped.Count > 0)
        {
            notes.Add($"Not measured, so not drawn: {string.Join(", ", skipped)}.");
        }
        foreach (var note in notes)
        {
            h.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }
        if (SvgCharts.Series(p) is { } series)
        {
            h.Append("<figure>").Append(series).Append("</figure>\n");
        }

        var latency = p.Candidates.Any(r => r.LatencyP50Us is not null || r.LatencyP99Us is not null);
        var mbps = !SvgCharts.MBpsOnlyRescalesIops(p);
        h.Append("<div class=\"scroll\">\n<table>\n<tr><th>engine</th><th>candidate</th><th>status</th><th>ranked on: IOPS median [95% CI]</th><th>burst IOPS</th>");
        if (mbps)
        {
            h.Append("<th>MB/s median [95% CI]</th>");
        }
        h.Append("<th>CV</th><th>n</th>");
        if (latency)
        {
            h.Append("<th>p50 µs</th><th>p99 µs</th>");
        }
        h.Append("<th>× ceiling</th><th>× best</th></tr>\n");
        foreach (var r in p.Candidates)
        {
            var status = r.Code is null ? r.Status : $"{r.Status} ({r.Code})";
            h.Append("<tr class=\"").Append(E(r.Status.Replace(' ', '-').Replace("(", "", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal))).Append("\">");
            h.Append($"<td>{E(r.Engine)}</td><td><code>{E(r.CandidateId)}</code></td><td title=\"{E(r.Note ?? "")}\">{E(status)}</td>");
            if (r.Skipped)
            {
                var span = 3 + (mbps ? 1 : 0) + (latency ? 2 : 0) + 2;
                h.Append("<td colspan=\"").Append(span).Append("\" class=\"skipped\">").Append(E(r.Note ?? "not measured")).Append("</td></tr>\n");
                continue;
            }
            var rank = r.RankMedian is { } m ? Cells.Interval(m, r.RankLow ?? m, r.RankHigh ?? m) + (r.RankedOnSustained ? " sustained" : "") : "–";
            h.Append($"<td class=\"n\">{E(rank)}</td><td class=\"n\">{E(r.RankedOnSustained ? Cells.Count(r.IopsMedian) : "–")}</td>");
            if (mbps)
            {
                h.Append($"<td class=\"n\">{E(Cells.Interval(r.MBpsMedian, r.MBpsLow, r.MBpsHigh))}</td>");
            }
            h.Append($"<td class=\"n\">{E(Cells.Percent(r.IopsCv))}</td><td class=\"n\">{r.Repeats}</td>");
            if (latency)
            {
                h.Append($"<td class=\"n\">{E(Cells.Latency(r.LatencyP50Us))}</td><td class=\"n\">{E(Cells.Latency(r.LatencyP99Us))}</td>");
            }
            h.Append($"<td class=\"n\">{E(Cells.Ratio(r.RatioToHost))}</td><td class=\"n\">{E(Cells.Ratio(r.RatioToBest))}</td></tr>\n");
        }
        h.Append("</table>\n</div>\n");
        if (p.HostCeilings.Count > 0)
        {
            h.Append("<div class=\"scroll short\">\n<table class=\"ceilings\">\n<tr><th>storage ceiling</th><th>submission strategy</th><th>IOPS median [95% CI]</th><th>p50 µs</th><th>p99 µs</th></tr>\n");
            foreach (var c in p.HostCeilings)
            {
                h.Append("<tr").Append(c.SetsCeiling ? " class=\"sets\"" : "").Append($"><td>{E(c.Backend)}</td><td>{E(c.Strategy)}{(c.SetsCeiling ? " (sets the ceiling)" : "")}</td>")
                 .Append($"<td class=\"n\">{E(Cells.Interval(c.IopsMedian, c.IopsLow, c.IopsHigh))}</td><td class=\"n\">{E(Cells.Latency(c.LatencyP50Us))}</td><td class=\"n\">{E(Cells.Latency(c.LatencyP99Us))}</td></tr>\n");
            }
            h.Append("</table>\n</div>\n");
        }
        h.Append("</section>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0; color: #212121; background: #f3f3f3; }
        main { max-width: 1100px; margin: 0 auto; padding: 0.6em 1.2em 2em; }
        h1 { margin: 0.2em 0; font-size: 1.5em; } h2 { margin: 0.2em 0 0.4em; font-size: 1.25em; } h3 { margin: 0.5em 0 0.3em; font-size: 1.02em; }
        .meta { color: #616161; margin: 0.2em 0 0.6em; } code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        pre { background: #f5f5f5; padding: 0.5em 0.7em; overflow-x: auto; border-radius: 4px; margin: 0.3em 0; }
        .card { background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,0.12); padding: 0.7em 1em; margin: 0 0 1em; }
        .winner { font-size: 1.3em; margin: 0.2em 0; } .winner code { background: #e8f5e9; padding: 0.1em 0.4em; border-radius: 3px; }
        .apply-lines { display: flex; flex-wrap: wrap; gap: 0 1.5em; } .apply-lines > div { flex: 1 1 420px; min-width: 0; }
        .tie { color: #33691e; } .note { color: #757575; font-style: italic; margin: 0.2em 0; } .constraints { color: #424242; }
        .warn { color: #b71c1c; } .busy { background: #fff3e0; border-left: 4px solid #ef6c00; padding: 0.3em 0.6em; } .quiet { color: #616161; }
        .scroll { max-height: 24em; overflow: auto; border: 1px solid #eee; margin: 0.4em 0; } .scroll.short { max-height: 12em; }
        table { border-collapse: collapse; font-size: 0.84em; width: 100%; }
        th, td { border-bottom: 1px solid #eee; padding: 0.2em 0.45em; text-align: left; vertical-align: top; }
        th { background: #f5f5f5; position: sticky; top: 0; } td.n { text-align: right; white-space: nowrap; } td.skipped { color: #9e9e9e; font-style: italic; }
        tr.winner td, tr.winner-tie td { background: #e8f5e9; font-weight: bold; } tr.tie td { background: #f1f8e9; }
        tr.excluded td, tr.not-ranked td { color: #9e9e9e; } tr.sets td { font-weight: bold; }
        figure { margin: 0.4em 0; } svg.chart { display: block; max-width: 100%; height: auto; }
        svg .title { font-size: 13px; font-weight: bold; } svg .label { font: 11px "DejaVu Sans Mono", monospace; } svg .tick, svg .legend, svg .axis { font-size: 11px; fill: #424242; }
        ul { margin: 0.2em 0; padding-left: 1.3em; } ul.rationale li { margin: 0.15em 0; }
        details summary { cursor: pointer; color: #424242; margin: 0.3em 0; }

        """;

    private const string Script = """
        window.addEventListener('load', function () {
          var body = document.body;
          body.setAttribute('data-charts-loaded', String(document.querySelectorAll('svg.chart').length));
          body.setAttribute('data-page-height', String(Math.ceil(document.documentElement.scrollHeight)));
          var decision = document.getElementById('decision');
          if (decision) { body.setAttribute('data-decision-top', String(Math.round(decision.getBoundingClientRect().top + window.scrollY))); }
        });

        """;
}
