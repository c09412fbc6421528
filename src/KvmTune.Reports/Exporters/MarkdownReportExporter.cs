using System.Text;
using KvmTune.Reports.Model;

namespace KvmTune.Reports.Exporters;

/// <summary>The report as GitHub-flavoured Markdown (tables, no charts; the burst series summarised in words).</summary>
public sealed class MarkdownReportExporter : IReportExporter
{
    public string Format => "md";

    public string Extension => ".md";

    public string Export(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var md = new StringBuilder();
        var run = model.Run;
        md.Append("# KvmTune report: run ").Append(run.Id).Append("\n\n");
        md.Append("- command: `").Append(run.Command).Append("`\n");
        md.Append("- status: ").Append(run.Status).Append('\n');
        md.Append("- started: ").Append(Cells.Time(run.StartedAt)).Append(", finished: ").Append(Cells.Time(run.FinishedAt))
          .Append(" (").Append(Cells.Duration(run.Seconds)).Append(")\n");
        if (run.LoadNote is { } load)
        {
            md.Append("- ").Append(load).Append('\n');
        }
        md.Append('\n');

        var d = model.Decision;
        md.Append("## Decision\n\n");
        md.Append(d.Winner is null ? "**No winner**: nothing could be ranked within the constraints.\n\n" : $"**Winner: `{d.Winner}`**\n\n");
        foreach (var m in d.Margins)
        {
            md.Append($"- {m.Scope}: the fastest, `{m.Fastest}`, is {Cells.Ratio(m.Ratio)} [{Cells.Ratio(m.Low)}–{Cells.Ratio(m.High)}] `{m.Winner}`: not surely faster by more than the {Core.Decisions.Figures.Percent(m.Margin)} margin\n");
        }
        if (d.ImageOptions is { } options)
        {
            md.Append("- ").Append(options.Sentence).Append('\n');
            foreach (var line in options.Carriers)
            {
                md.Append("  - ").Append(line).Append('\n');
            }
        }
        foreach (var line in d.AboveCeiling)
        {
            md.Append("- above its ceiling: ").Append(line).Append('\n');
        }
        md.Append("- constraints: ").Append(Cells.Constraints(d.Constraints)).Append('\n');
        md.Append("- workload: ").Append(Cells.Workload(d.Constraints)).Append('\n');
        foreach (var (type, id) in d.WinnerBySourceType)
        {
            md.Append("- best ").Append(type).Append(" backend: `").Append(id).Append("`\n");
        }
        if (d.TieBreak is not null)
        {
            md.Append("- ").Append(d.TieBreak).Append('\n');
        }
        md.Append('\n');
        if (d.Overall.Count > 0)
        {
            md.Append("| rank | candidate | overall score | interval | tie |\n|---:|---|---:|---|---|\n");
            foreach (var o in d.Overall)
            {
                md.Append($"| {o.Rank} | `{o.CandidateId}` | {o.Score:0.000} | {o.ScoreLow:0.000}–{o.ScoreHigh:0.000} | {(o.Tied ? "tie" : "")} |\n");
            }
            md.Append('\n');
        }
        md.Append("### Rationale\n\n");
        foreach (var line in d.Rationale)
        {
            md.Append("- ").Append(line).Append('\n');
        }
        md.Append('\n');

        var a = model.Apply;
        md.Append("## What to apply\n\n");
        if (a.NovaLines.Count > 0)
        {
            md.Append("nova.conf:\n\n```ini\n").Append(a.NovaConf).Append("```\n\n");
        }
        if (a.DriverElements.Count > 0)
        {
            md.Append("libvirt disk driver:\n\n");
            foreach (var (type, element) in a.DriverElements)
            {
                md.Append("- `<disk type='").Append(type).Append("'>`: `").Append(element).Append("`\n");
            }
            md.Append('\n');
        }
        if (a.FlavorExtraSpecs.Count > 0)
        {
            md.Append("flavor extra specs:\n\n```\n");
            foreach (var (key, value) in a.FlavorExtraSpecs)
            {
                md.Append("openstack flavor set FLAVOR --property ").Append(key).Append('=').Append(value).Append('\n');
            }
            md.Append("```\n\n");
        }
        foreach (var note in a.Notes)
        {
            md.Append("- ").Append(note).Append('\n');
        }
        if (a.Notes.Count > 0)
        {
            md.Append('\n');
        }
        md.Append("Policy file (`kvmtune apply --policy FILE`):\n\n```json\n").Append(a.PolicyJson).Append("\n```\n\n");

        md.Append("## Measurements\n");
        foreach (var p in model.Profiles)
        {
            md.Append("\n### ").Append(p.Name).Append(p.Weight > 0 ? $" (weight {Cells.Weight(p.Weight)})" : " (not in the workload)").Append("\n\n");
            if (p.Winner is not null)
            {
                md.Append("Winner: `").Append(p.Winner).Append('`').Append(p.Tie.Count > 1 ? $" (tie of {p.Tie.Count})" : "").Append("\n\n");
            }
            if (p.TieBreak is not null)
            {
                md.Append(p.TieBreak).Append("\n\n");
            }
            md.Append("| engine | candidate | status | ranked on: IOPS median [95% CI] | burst IOPS | MB/s median [95% CI] | CV | n | p50 µs | p99 µs | × ceiling | × best |\n");
            md.Append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in p.Candidates)
            {
                var status = r.Code is null ? r.Status : $"{r.Status} ({r.Code})";
                if (r.Skipped)
                {
                    md.Append($"| {r.Engine} | `{r.CandidateId}` | {status} | {r.Note ?? "not measured"} | – | – | – | – | – | – | – | – |\n");
                    continue;
                }
                var rank = r.RankMedian is { } m ? Cells.Interval(m, r.RankLow ?? m, r.RankHigh ?? m) + (r.RankedOnSustained ? " sustained" : "") : "–";
                md.Append($"| {r.Engine} | `{r.CandidateId}` | {status} | {rank} | {(r.RankedOnSustained ? Cells.Count(r.IopsMedian) : "–")} | " +
                          $"{Cells.Interval(r.MBpsMedian, r.MBpsLow, r.MBpsHigh)} | {Cells.Percent(r.IopsCv)} | {r.Repeats} | {Cells.Latency(r.LatencyP50Us)} | " +
                          $"{Cells.Latency(r.LatencyP99Us)} | {Cells.Ratio(r.RatioToHost)} | {Cells.Ratio(r.RatioToBest)} |\n");
            }
            if (p.HostCeilings.Count > 0)
            {
                md.Append("\nStorage ceilings (fio on the backing storage, per submission strategy; the best sets the ceiling):\n\n| backend | strategy | IOPS median [95% CI] | MB/s median [95% CI] | p50 µs | p99 µs |\n|---|---|---:|---:|---:|---:|\n");
                foreach (var c in p.HostCeilings)
                {
                    md.Append($"| {c.Backend} | {c.Strategy}{(c.SetsCeiling ? " (sets the ceiling)" : "")} | {Cells.Interval(c.IopsMedian, c.IopsLow, c.IopsHigh)} | {Cells.Interval(c.MBpsMedian, c.MBpsLow, c.MBpsHigh)} | " +
                              $"{Cells.Latency(c.LatencyP50Us)} | {Cells.Latency(c.LatencyP99Us)} |\n");
                }
            }
            if (p.HarnessCeilingIops is { } harness)
            {
                md.Append($"\nHarness ceiling (qemu-img bench on null-co): {Cells.Count(harness)} IOPS; a candidate within 20% of it is harness-bound and not ranked.\n");
            }
            if (p.Series.Count > 0)
            {
                md.Append("\nBurst vs sustained (IOPS per second, mean of the first and the last three seconds):\n\n");
                foreach (var s in p.Series)
                {
                    var (first, last) = Cells.Ends(s.PerSecondIops);
                    md.Append($"- `{s.CandidateId}` ({s.Engine}, repeat {s.Repeat}, {s.PerSecondIops.Count} s): {Cells.Count(first)} → {Cells.Count(last)}\n");
                }
            }
        }

        md.Append("\n## Host\n\n| fact | value |\n|---|---|\n");
        foreach (var f in model.HostFacts)
        {
            md.Append("| ").Append(f.Key).Append(" | ").Append(f.Value.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
        }
        return md.ToString();
    }
}
