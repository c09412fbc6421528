using System.Text.Json;
using KvmTune.Core.Rules;
using KvmTune.Core.Serialization;

namespace KvmTune.Reports.Lint;

/// <summary>One host's lint results for <see cref="LintJsonExporter.ExportHosts"/>: null results and an error when the host failed.</summary>
public sealed record LintHostResults(string Host, string Uri, string? Error, IReadOnlyList<DomainLintResult>? Results);

/// <summary>
/// Writes lint results as JSON (typed records, <see cref="JsonConvention"/>):
/// files: <c>{"results":[{"file","source","domain","findings":[{"code","severity","disk","message","fix","line"}]}],"summary":{…}}</c>;
/// hosts: <c>{"hosts":[{"host","uri","error","results":[…],"summary":{…}}],"summary":{…,"hosts","failed_hosts"}}</c>.
/// File results are written one domain at a time, so a large report is never held whole in memory.
/// </summary>
public sealed class LintJsonExporter(bool indented = true)
{
    private readonly JsonSerializerOptions _options = indented ? JsonConvention.Options : JsonConvention.Compact;

    public void Export(IReadOnlyList<DomainLintResult> results, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(writer);
        using (var output = new JsonTextOutput(writer, new JsonWriterOptions { Indented = indented, Encoder = _options.Encoder }))
        {
            var json = output.Writer;
            json.WriteStartObject();
            json.WriteStartArray("results");
            foreach (var result in results)
            {
                JsonSerializer.Serialize(json, LintResultJson.From(result), _options);
                output.Drain();
            }
            json.WriteEndArray();
            json.WritePropertyName("summary");
            JsonSerializer.Serialize(json, LintSummaryJson.Of(results), _options);
            json.WriteEndObject();
        }
    }

    public void ExportHosts(IReadOnlyList<LintHostResults> hosts, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(writer);
        var all = hosts.SelectMany(h => h.Results ?? []).ToList();
        var document = new LintHostsJson(
            [.. hosts.Select(h => new LintHostJson(h.Host, h.Uri, h.Error,
                h.Results?.Select(LintResultJson.From).ToList(), h.Results is null ? null : LintSummaryJson.Of(h.Results)))],
            new LintHostsSummaryJson(hosts.Count, hosts.Count(h => h.Error is not null), all.Count,
                all.Sum(r => r.Count(Severity.Error)), all.Sum(r => r.Count(Severity.Warning)), all.Sum(r => r.Count(Severity.Info))));
        writer.WriteLine(JsonSerializer.Serialize(document, _options));
    }
}

internal sealed record LintResultJson(string? File, string Source, string? Domain, IReadOnlyList<LintFindingJson> Findings)
{
    public static LintResultJson From(DomainLintResult r) => new(r.File, r.Label, r.Domain,
        [.. r.Findings.Select(l => new LintFindingJson(l.Finding.Code, l.Finding.SeverityText, l.Finding.Disk, l.Finding.Message, l.Finding.Fix, l.Line))]);
}

internal sealed record LintFindingJson(string Code, string Severity, string? Disk, string Message, string? Fix, int? Line);

internal sealed record LintSummaryJson(int Domains, int Error, int Warning, int Info)
{
    public static LintSummaryJson Of(IReadOnlyList<DomainLintResult> results) => new(results.Count,
        results.Sum(r => r.Count(Severity.Error)), results.Sum(r => r.Count(Severity.Warning)), results.Sum(r => r.Count(Severity.Info)));
}

internal sealed record LintHostsJson(IReadOnlyList<LintHostJson> Hosts, LintHostsSummaryJson Summary);

internal sealed record LintHostJson(string Host, string Uri, string? Error, IReadOnlyList<LintResultJson>? Results, LintSummaryJson? Summary);

internal sealed record LintHostsSummaryJson(int Hosts, int FailedHosts, int Domains, int Error, int Warning, int Info);
