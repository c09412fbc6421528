using System.Globalization;
using System.Net;
using System.Text;
using KvmTune.Core.Decisions;
using KvmTune.Core.Fleet;

namespace KvmTune.Reports.Exporters;

/// <summary><c>fleet report --format html</c>: one self-contained page, a section per storage group.</summary>
public static class FleetHtmlExporter
{
    public static string Export(FleetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>KvmTune fleet report</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
            .Append(".stale{color:#888}.differs{background:#fff3cd}.drift{background:#f8d7da}</style></head><body>\n")
            .Append(CultureInfo.InvariantCulture, $"<h1>Fleet report</h1>\n<p>{E(report.Store)}, {report.Generated:yyyy-MM-dd HH:mm} UTC; stale after {report.StaleAfter.TotalDays:0.#} days; {report.Groups.Sum(g => g.Hosts.Count)} hosts in {report.Groups.Count} groups.</p>\n");
        foreach (var group in report.Groups)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Group {E(group.Fingerprint.Hash)}</h2>\n<p>{E(group.Fingerprint.Describe())}</p>\n")
                .Append(CultureInfo.InvariantCulture, $"<p>Decision: <strong>{E(group.Winner?.Id ?? "none (no recent run)")}</strong> from {group.DecidedFrom} of {group.Hosts.Count} hosts")
                .Append(group.Decision is { Tie.Count: > 1 } d ? $"; equivalent: {E(string.Join(", ", d.Tie.Select(c => c.Id)))}" : "")
                .Append(".</p>\n<table><tr><th>host</th><th>last run</th><th>own decision</th><th>own over group</th><th>settings in force</th><th>drift</th><th>lint</th></tr>\n");
            foreach (var host in group.Hosts)
            {
                var css = host.Stale ? "stale" : host.Drift.Count > 0 ? "drift" : host.Comparison is { Disagrees: true } ? "differs" : "";
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{css}\"><td>{E(host.Host)}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{(host.LastRun is { } t ? $"#{host.RunId} {t:yyyy-MM-dd}" : "none")}{(host.Stale ? " (stale)" : "")}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{E(host.Comparison?.HostWinner?.Id ?? "–")}</td><td>{E(Ratio(host.Comparison))}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{(host.Collected is null ? "not collected" : host.Settings.Count.ToString(CultureInfo.InvariantCulture))}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{E(string.Join("; ", host.Drift.Select(s => $"{s.Origin} {s.Where}: cache={s.Cache ?? "?"} io={s.Io ?? "?"}")))}</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td>{host.LintErrors} errors, {host.LintWarnings} warnings</td></tr>\n");
            }
            html.Append("</table>\n");
        }
        return html.Append("</body></html>\n").ToString();
    }

    /// <summary>A host's winner over the group's, <c>1.18× [1.05–1.32]</c>, marked when significant.</summary>
    public static string Ratio(HostComparison? comparison) => comparison?.HostOverGroup is { } r
        ? string.Create(CultureInfo.InvariantCulture, $"{r.Ratio:0.00}× [{r.Low:0.00}–{r.High:0.00}]{(comparison.Significant ? " significant" : "")}")
        : "–";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
